#include "rest_routes.hpp"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "openapi.hpp"
#include "switchboard/server/negotiation.hpp"

namespace voice_api {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;
using server::Role;

Response detail(int status, const std::string &message) {
  return {status,
          "application/json",
          nlohmann::json{{"detail", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          {}};
}

namespace {

Response json(int status, const std::string &body) {
  return {status, "application/json", body, {}};
}

Response ok(const nlohmann::json &body) {
  return json(200, body.dump());
}

// A status from an extension call as the API's HTTP answer.
Response failed(sb_status status, const Failure &f) {
  return detail(status == SB_INVALID_INPUT ? 404 : 500,
                status == SB_INVALID_INPUT ? f.message() : "Internal server error");
}

bool known_kind(const std::string &kind) {
  return kind == "stt" || kind == "llm" || kind == "tts";
}

// The owner of a session, or nullopt when there is none (or the host's view
// failed).
std::optional<nlohmann::json> session_view(const HostViews &v, const std::string &id) {
  Text text;
  Failure f;
  if (v.sessions->get(v.sessions->ctx, id.c_str(), text.sink(), &f.error) != SB_OK) return std::nullopt;
  auto view = nlohmann::json::parse(text.value, nullptr, false);
  if (view.is_discarded()) return std::nullopt;
  return view;
}

void add_provider_routes(server::Router &router, const HostViews &v) {
  router.add("GET", "/providers", Access::user, [v](const Call &) {
    if (v.providers == nullptr) return detail(503, "the host offers no provider view");
    Text text;
    Failure f;
    const auto status = v.providers->view(v.providers->ctx, text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  });
  // POST /providers/{type}/reset, and beyond the document
  // POST /providers/{type}/{name}/reset and /force-open.
  const auto act = [v](const Call &c, bool reset) {
    if (v.providers == nullptr) return detail(503, "the host offers no provider view");
    const std::string &kind = c.param("kind");
    if (!known_kind(kind)) return detail(400, "Invalid provider type: " + kind + " (one of stt, llm, tts)");
    const std::string &name = c.param("name");
    Failure f;
    const char *n = name.empty() ? nullptr : name.c_str();
    const auto status = reset ? v.providers->reset(v.providers->ctx, kind.c_str(), n, &f.error)
                              : v.providers->force_open(v.providers->ctx, kind.c_str(), n, &f.error);
    if (status != SB_OK) return failed(status, f);
    nlohmann::json body = {{"status", "ok"}, {"provider_type", kind}};
    if (n != nullptr) body["provider"] = name;
    body["message"] = reset ? "Circuit breaker reset" : "Circuit breaker forced open";
    return ok(body);
  };
  const server::RouteOptions changes{.changes_state = true};
  router.add(
      "POST", "/providers/{kind}/reset", Access::admin, [act](const Call &c) { return act(c, true); }, changes);
  router.add(
      "POST", "/providers/{kind}/{name}/reset", Access::admin, [act](const Call &c) { return act(c, true); }, changes);
  router.add(
      "POST", "/providers/{kind}/{name}/force-open", Access::admin, [act](const Call &c) { return act(c, false); },
      changes);
}

void add_session_routes(server::Router &router, const HostViews &v) {
  router.add("GET", "/sessions", Access::user, [v](const Call &c) {
    Text text;
    Failure f;
    const auto status = v.sessions->list(v.sessions->ctx, text.sink(), &f.error);
    if (status != SB_OK) return failed(status, f);
    auto all = nlohmann::json::parse(text.value, nullptr, false);
    if (all.is_discarded()) return detail(500, "Internal server error");
    nlohmann::json mine = nlohmann::json::array();
    for (auto &s : all.value("sessions", nlohmann::json::array())) {
      if (may_see(c.who, s.value("owner", ""))) mine.push_back(std::move(s));
    }
    return ok({{"count", mine.size()}, {"sessions", mine}});
  });
  router.add("DELETE", "/sessions/cleanup", Access::admin,
             [v](const Call &) {
               Text text;
               Failure f;
               const auto status = v.sessions->remove_all(v.sessions->ctx, text.sink(), &f.error);
               if (status != SB_OK) return failed(status, f);
               const auto deleted = nlohmann::json::parse(text.value, nullptr, false).value("deleted", 0);
               return ok({{"status", "ok"}, {"message", "All sessions cleaned up"}, {"deleted", deleted}});
             },
             {.changes_state = true});
  // Another subject's session is "not found": its existence is not told.
  router.add("GET", "/sessions/{session_id}", Access::user, [v](const Call &c) {
    const std::string &id = c.param("session_id");
    if (!valid_session_id(id)) return detail(400, "Invalid session id");
    const auto view = session_view(v, id);
    if (!view || !may_see(c.who, view->value("owner", ""))) return detail(404, "Session not found");
    return ok(*view);
  });
  router.add("DELETE", "/sessions/{session_id}", Access::user,
             [v](const Call &c) {
               const std::string &id = c.param("session_id");
               if (!valid_session_id(id)) return detail(400, "Invalid session id");
               const auto view = session_view(v, id);
               if (!view || !may_see(c.who, view->value("owner", ""))) return detail(404, "Session not found");
               Failure f;
               if (v.sessions->remove(v.sessions->ctx, id.c_str(), &f.error) != SB_OK)
                 return detail(404, "Session not found");
               return ok({{"status", "deleted"}, {"session_id", id}});
             },
             {.changes_state = true});
}

void add_metric_routes(server::Router &router, const HostViews &v, std::function<std::uint64_t()> api_requests) {
  const auto prometheus = [v]() {
    Text text;
    Failure f;
    const auto status = v.admin->prometheus(v.admin->ctx, text.sink(), &f.error);
    if (status != SB_OK) return failed(status, f);
    return Response{200, "text/plain; version=0.0.4; charset=utf-8", text.value, {}};
  };
  router.add("GET", "/metrics", Access::user, [v, prometheus, api_requests](const Call &c) {
    if (v.admin == nullptr) return detail(503, "the host offers no metrics");
    // Prometheus text only when the client ranks it above JSON (a scraper
    // does; axios's "application/json, text/plain, */*" does not).
    const auto type = server::preferred_type(c.request.header("accept"),
                                             {"application/json", "text/plain", "application/openmetrics-text"});
    if (type == "text/plain" || type == "application/openmetrics-text") return prometheus();
    Text text;
    Failure f;
    const auto status = v.admin->metrics(v.admin->ctx, text.sink(), &f.error);
    if (status != SB_OK) return failed(status, f);
    auto body = nlohmann::json::parse(text.value, nullptr, false);
    if (body.is_discarded()) return detail(500, "Internal server error");
    body["provider_calls"] = body.value("total_requests", 0);
    body["total_requests"] = api_requests();
    return ok(body);
  });
  router.add("GET", "/metrics/prometheus", Access::user, [v, prometheus](const Call &) {
    if (v.admin == nullptr) return detail(503, "the host offers no metrics");
    return prometheus();
  });
  router.add("GET", "/metrics/recent", Access::user, [v](const Call &) {
    if (v.admin == nullptr) return detail(503, "the host offers no metrics");
    Text text;
    Failure f;
    const auto status = v.admin->metrics_recent(v.admin->ctx, text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  });
}

void add_admin_routes(server::Router &router, const HostViews &v) {
  router.add("GET", "/cache/stats", Access::user, [v](const Call &) {
    if (v.admin == nullptr) return detail(503, "the host offers no cache view");
    Text text;
    Failure f;
    const auto status = v.admin->cache_stats(v.admin->ctx, text.sink(), &f.error);
    if (status == SB_INVALID_INPUT) return detail(404, f.message());
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  });
  router.add("DELETE", "/cache/clear", Access::admin,
             [v](const Call &) {
               if (v.admin == nullptr) return detail(503, "the host offers no cache view");
               Failure f;
               const auto status = v.admin->cache_clear(v.admin->ctx, &f.error);
               if (status == SB_INVALID_INPUT) return detail(404, f.message());
               if (status != SB_OK) return failed(status, f);
               return ok({{"status", "ok"}, {"message", "Cache cleared"}});
             },
             {.changes_state = true});
  // A reload reads files and starts plugins: off the I/O threads.
  router.add("POST", "/admin/reload", Access::admin,
             [v](const Call &) {
               if (v.admin == nullptr) return detail(503, "the host cannot reload");
               Failure f;
               const auto status = v.admin->reload(v.admin->ctx, &f.error);
               if (status == SB_INVALID_INPUT) return detail(400, "reload refused: " + f.message());
               if (status != SB_OK) return failed(status, f);
               return ok({{"status", "ok"}, {"message", "Configuration reloaded"}});
             },
             {.changes_state = true, .may_block = true});
}

}  // namespace

void add_rest_routes(server::Router &router, const HostViews &v, std::function<std::uint64_t()> api_requests) {
  router.add("GET", "/health", Access::open, [v](const Call &) {
    if (v.admin == nullptr) return detail(503, "the host offers no health view");
    Text text;
    Failure f;
    const auto status = v.admin->health(v.admin->ctx, text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  });
  router.add("GET", "/openapi.json", Access::open, [](const Call &) { return json(200, openapi_document()); });
  add_provider_routes(router, v);
  add_session_routes(router, v);
  add_metric_routes(router, v, std::move(api_requests));
  add_admin_routes(router, v);
}

}  // namespace voice_api
