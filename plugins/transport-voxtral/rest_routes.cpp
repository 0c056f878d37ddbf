#include "rest_routes.hpp"

#include <cmath>
#include <cstdio>

#include "switchboard/server/chain_health.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/validation.hpp"
#include "system_usage.hpp"
#include "web_assets.hpp"

namespace voxtral {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

Response detail(int status, const std::string &message) {
  return server::detail_response(status, message);
}

namespace {

using server::json_response;

Response file(std::string_view type, std::string_view body) {
  Response r{200, std::string(type), std::string(body), {}};
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double rounded(double v, int places) {
  const double scale = std::pow(10.0, places);
  return std::round(v * scale) / scale;
}

std::string percent(std::optional<double> v) {
  if (!v) return "unknown";
  char out[32];
  std::snprintf(out, sizeof out, "%.1f%%", *v);
  return out;
}

// Which provider each chain would call now, from the host's provider view.
nlohmann::json current_providers(const sb_providers_ext *providers) {
  nlohmann::json current = {{"stt", nullptr}, {"llm", nullptr}, {"tts", nullptr}};
  if (providers == nullptr) return current;
  server::SinkText text;
  server::ExtError f;
  if (providers->view(providers->ctx, text.sink(), &f.error) != SB_OK) return current;
  const auto summary = nlohmann::json::parse(text.value, nullptr, false).value("summary", nlohmann::json::object());
  for (const char *kind : {"stt", "llm", "tts"}) {
    if (summary.contains(kind)) current[kind] = summary[kind].value("current", nlohmann::json(nullptr));
  }
  return current;
}

}  // namespace

nlohmann::json server_status(const RestContext &c) {
  const auto h = server::chain_health(c.admin);
  return {{"active_connections", c.counters.connections.load()},
          {"voxtral_loaded", h && h->stt},
          {"orpheus_loaded", h && h->tts},
          {"providers", {{"stt", h && h->stt}, {"llm", h && h->llm}, {"tts", h && h->tts}}}};
}

void add_rest_routes(server::Router &router, const RestContext &context) {
  const RestContext *c = &context;
  const server::RouteOptions documented{.url_credentials = true};  // "GET /health?api_key=..."
  // The models' loaded flags are the providers' readiness: speech in
  // (voxtral), speech out (orpheus). Without an answerer nothing can be
  // answered: 503, as the document says of models not loaded.
  router.add(
      "GET", "/health", Access::open,
      [c](const Call &) {
        const auto h = server::chain_health(c->admin);
        if (!h) return detail(503, "the host offers no health view");
        const bool all = h->stt && h->llm && h->tts;
        return json_response(h->llm ? 200 : 503,
                             {{"status", !h->llm ? "unhealthy"
                                         : all   ? "healthy"
                                                 : "degraded"},
                              {"timestamp", unix_now()},
                              {"models", {{"voxtral_loaded", h->stt}, {"orpheus_loaded", h->tts}}},
                              {"providers", {{"stt", h->stt}, {"llm", h->llm}, {"tts", h->tts}}},
                              {"server",
                               {{"active_connections", c->counters.connections.load()},
                                {"max_connections", c->max_connections},
                                {"uptime", rounded(c->counters.uptime(), 1)}}},
                              {"config", {{"sample_rate", c->input_rate}, {"available_voices", c->voices.list()}}}});
      },
      documented);
  router.add(
      "GET", "/api/voices", Access::user,
      [c](const Call &) {
        const auto voices = c->voices.list();
        return json_response(200,
                             {{"voices", voices}, {"default", c->voices.default_voice()}, {"total", voices.size()}});
      },
      documented);
  router.add(
      "GET", "/api/stats", Access::user,
      [c](const Call &) {
        const auto h = server::chain_health(c->admin);
        const auto current = current_providers(c->providers);
        char generated[32];
        std::snprintf(generated, sizeof generated, "%.1fs",
                      static_cast<double>(c->counters.audio_generated_ms.load()) / 1000.0);
        return json_response(
            200, {{"server",
                   {{"active_connections", c->counters.connections.load()},
                    {"total_requests", c->api_requests()},
                    {"total_audio_generated", generated},
                    {"uptime", rounded(c->counters.uptime(), 1)}}},
                  {"models",
                   {{"voxtral_loaded", h && h->stt},
                    {"orpheus_loaded", h && h->tts},
                    {"voxtral_model", current["stt"]},
                    {"orpheus_model", current["tts"]}}},
                  {"system", {{"memory_usage", percent(memory_percent())}, {"cpu_usage", percent(cpu_percent())}}}});
      },
      documented);
  router.add("GET", "/openapi.json", Access::open,
             [](const Call &) { return file("application/json", assets::openapi_json); });
  router.add("GET", "/docs", Access::open,
             [](const Call &) { return file("text/html; charset=utf-8", assets::docs_html); });
  // The same page in the reference layout.
  router.add("GET", "/redoc", Access::open, [](const Call &) {
    static const std::string page = [] {
      std::string p(assets::docs_html);
      const std::string explorer = "data-layout=\"explorer\"";
      p.replace(p.find(explorer), explorer.size(), "data-layout=\"reference\"");
      return p;
    }();
    return file("text/html; charset=utf-8", page);
  });
  router.add("GET", "/openapi-viewer.js", Access::open,
             [](const Call &) { return file("text/javascript; charset=utf-8", assets::openapi_viewer_js); });
  router.add("GET", "/openapi-viewer.css", Access::open,
             [](const Call &) { return file("text/css; charset=utf-8", assets::openapi_viewer_css); });
  router.add("GET", "/", Access::open,
             [](const Call &) { return file("text/html; charset=utf-8", assets::index_html); });
}

}  // namespace voxtral
