#include "console_routes.hpp"

#include <string_view>

#include <nlohmann/json.hpp>

#include "switchboard/server/negotiation.hpp"

namespace console::assets {
extern const std::string_view index_html;
extern const std::string_view console_css;
extern const std::string_view console_js;
extern const std::string_view capture_worklet_js;
}  // namespace console::assets

namespace voice_api {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

namespace {

// Everything the page loads is its own: scripts, styles and sockets from
// this server only.
Response file(std::string_view type, std::string_view body) {
  Response r{200, std::string(type), std::string(body), {}};
  r.headers = {{"Cache-Control", "no-cache"},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                "base-uri 'none'; frame-ancestors 'none'"}};
  return r;
}

}  // namespace

void add_console_routes(server::Router &router) {
  router.add("GET", "/", Access::open, [](const Call &c) {
    const auto type = server::preferred_type(c.request.header("accept"), {"application/json", "text/html"});
    if (type == "text/html") return file("text/html; charset=utf-8", console::assets::index_html);
    return Response{200,
                    "application/json",
                    nlohmann::json{{"status", "ok"}, {"version", "1.0.0"}, {"message", "Voice Assistant API"}}.dump(),
                    {}};
  });
  router.add("GET", "/console.js", Access::open,
             [](const Call &) { return file("text/javascript; charset=utf-8", console::assets::console_js); });
  router.add("GET", "/capture-worklet.js", Access::open,
             [](const Call &) { return file("text/javascript; charset=utf-8", console::assets::capture_worklet_js); });
  router.add("GET", "/console.css", Access::open,
             [](const Call &) { return file("text/css; charset=utf-8", console::assets::console_css); });
}

}  // namespace voice_api
