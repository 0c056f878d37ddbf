#include "rest_routes.hpp"

#include <vector>

#include <nlohmann/json.hpp>

#include "openapi.hpp"

namespace voice_api {

namespace server = switchboard::server;

server::Response detail(int status, const std::string &message) {
  return {status, "application/json", nlohmann::json{{"detail", message}}.dump(), {}};
}

namespace {

server::Response json(int status, const std::string &body) {
  return {status, "application/json", body, {}};
}

server::Response ok(const nlohmann::json &body) {
  return json(200, body.dump());
}

// A status from an extension call as the API's HTTP answer.
server::Response failed(sb_status status, const Failure &f) {
  return detail(status == SB_INVALID_INPUT ? 404 : 500, f.message());
}

std::vector<std::string> split_path(const std::string &path) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at < path.size()) {
    const auto slash = path.find('/', at);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > at) parts.push_back(path.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

bool known_kind(const std::string &kind) {
  return kind == "stt" || kind == "llm" || kind == "tts";
}

server::Response providers(const server::Request &r, const std::vector<std::string> &p, const HostViews &v) {
  if (v.providers == nullptr) return detail(503, "the host offers no provider view");
  Failure f;
  if (p.size() == 1) {
    if (r.method != "GET") return detail(405, "Method Not Allowed");
    Text text;
    const auto status = v.providers->view(v.providers->ctx, text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  }
  const std::string &kind = p[1];
  if (!known_kind(kind)) return detail(400, "Invalid provider type: " + kind + " (one of stt, llm, tts)");
  // POST /providers/{type}/reset, and beyond the document
  // POST /providers/{type}/{name}/reset and /force-open.
  const bool whole_kind = p.size() == 3;
  const std::string action = p.back();
  if (r.method != "POST" || (p.size() != 3 && p.size() != 4) || (action != "reset" && action != "force-open") ||
      (whole_kind && action != "reset")) {
    return detail(404, "Not Found");
  }
  const char *name = whole_kind ? nullptr : p[2].c_str();
  const auto status = action == "reset" ? v.providers->reset(v.providers->ctx, kind.c_str(), name, &f.error)
                                        : v.providers->force_open(v.providers->ctx, kind.c_str(), name, &f.error);
  if (status != SB_OK) return failed(status, f);
  nlohmann::json body = {{"status", "ok"}, {"provider_type", kind}};
  if (!whole_kind) body["provider"] = p[2];
  body["message"] = action == "reset" ? "Circuit breaker reset" : "Circuit breaker forced open";
  return ok(body);
}

server::Response sessions(const server::Request &r, const std::vector<std::string> &p, const HostViews &v) {
  if (v.sessions == nullptr) return detail(503, "the host offers no sessions");
  const auto *s = v.sessions;
  Failure f;
  if (p.size() == 1) {
    if (r.method != "GET") return detail(405, "Method Not Allowed");
    Text text;
    const auto status = s->list(s->ctx, text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  }
  if (p.size() != 2) return detail(404, "Not Found");
  if (p[1] == "cleanup" && r.method == "DELETE") {
    Text text;
    const auto status = s->remove_all(s->ctx, text.sink(), &f.error);
    if (status != SB_OK) return failed(status, f);
    const auto deleted = nlohmann::json::parse(text.value).value("deleted", 0);
    return ok({{"status", "ok"}, {"message", "All sessions cleaned up"}, {"deleted", deleted}});
  }
  if (r.method == "GET") {
    Text text;
    const auto status = s->get(s->ctx, p[1].c_str(), text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : detail(404, "Session not found");
  }
  if (r.method == "DELETE") {
    const auto status = s->remove(s->ctx, p[1].c_str(), &f.error);
    if (status != SB_OK) return detail(404, "Session not found");
    return ok({{"status", "deleted"}, {"session_id", p[1]}});
  }
  return detail(405, "Method Not Allowed");
}

bool wants_prometheus(const server::Request &r) {
  const std::string accept = r.header("accept");
  return accept.find("text/plain") != std::string::npos || accept.find("openmetrics") != std::string::npos;
}

server::Response metrics(const server::Request &r, const std::vector<std::string> &p, const HostViews &v) {
  if (v.admin == nullptr) return detail(503, "the host offers no metrics");
  if (r.method != "GET") return detail(405, "Method Not Allowed");
  const auto *a = v.admin;
  Failure f;
  Text text;
  if ((p.size() == 1 && wants_prometheus(r)) || (p.size() == 2 && p[1] == "prometheus")) {
    const auto status = a->prometheus(a->ctx, text.sink(), &f.error);
    if (status != SB_OK) return failed(status, f);
    return {200, "text/plain; version=0.0.4; charset=utf-8", text.value, {}};
  }
  sb_status status;
  if (p.size() == 1) {
    status = a->metrics(a->ctx, text.sink(), &f.error);
  } else if (p.size() == 2 && p[1] == "recent") {
    status = a->metrics_recent(a->ctx, text.sink(), &f.error);
  } else {
    return detail(404, "Not Found");
  }
  return status == SB_OK ? json(200, text.value) : failed(status, f);
}

server::Response cache(const server::Request &r, const std::vector<std::string> &p, const HostViews &v) {
  if (v.admin == nullptr) return detail(503, "the host offers no cache view");
  const auto *a = v.admin;
  Failure f;
  if (p.size() == 2 && p[1] == "stats" && r.method == "GET") {
    Text text;
    const auto status = a->cache_stats(a->ctx, text.sink(), &f.error);
    if (status == SB_INVALID_INPUT) return detail(404, f.message());
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  }
  if (p.size() == 2 && p[1] == "clear" && r.method == "DELETE") {
    const auto status = a->cache_clear(a->ctx, &f.error);
    if (status == SB_INVALID_INPUT) return detail(404, f.message());
    if (status != SB_OK) return failed(status, f);
    return ok({{"status", "ok"}, {"message", "Cache cleared"}});
  }
  return detail(p.size() == 2 && (p[1] == "stats" || p[1] == "clear") ? 405 : 404,
                p.size() == 2 && (p[1] == "stats" || p[1] == "clear") ? "Method Not Allowed" : "Not Found");
}

}  // namespace

server::Response route(const server::Request &r, const HostViews &v) {
  const auto p = split_path(r.path);
  Failure f;
  if (p.empty()) {
    if (r.method != "GET") return detail(405, "Method Not Allowed");
    return ok({{"status", "ok"}, {"version", "1.0.0"}, {"message", "Voice Assistant API"}});
  }
  const std::string &top = p[0];
  if (top == "health" && p.size() == 1) {
    if (r.method != "GET") return detail(405, "Method Not Allowed");
    if (v.admin == nullptr) return detail(503, "the host offers no health view");
    Text text;
    const auto status = v.admin->health(v.admin->ctx, text.sink(), &f.error);
    return status == SB_OK ? json(200, text.value) : failed(status, f);
  }
  if (top == "providers") return providers(r, p, v);
  if (top == "sessions") return sessions(r, p, v);
  if (top == "metrics" && p.size() <= 2) return metrics(r, p, v);
  if (top == "cache") return cache(r, p, v);
  if (top == "openapi.json" && p.size() == 1) {
    if (r.method != "GET") return detail(405, "Method Not Allowed");
    return json(200, openapi_document());
  }
  if (top == "admin" && p.size() == 2 && p[1] == "reload") {
    if (r.method != "POST") return detail(405, "Method Not Allowed");
    if (v.admin == nullptr) return detail(503, "the host cannot reload");
    const auto status = v.admin->reload(v.admin->ctx, &f.error);
    if (status == SB_INVALID_INPUT) return detail(400, "reload refused: " + f.message());
    if (status != SB_OK) return failed(status, f);
    return ok({{"status", "ok"}, {"message", "Configuration reloaded"}});
  }
  return detail(404, "Not Found");
}

}  // namespace voice_api
