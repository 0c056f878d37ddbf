// transport-voice-api: Switchboard's native API (../shared/apis/voice-assistant.md)
// over HTTP and WebSocket, with auth, limits, CORS, Prometheus metrics and an
// OpenAPI description. Config: see settings.hpp; docs/voice-api.md.
#include <memory>
#include <random>

#include "auth.hpp"
#include "rate_limiter.hpp"
#include "rest_routes.hpp"
#include "settings.hpp"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/server/server.hpp"
#include "voice_socket.hpp"

namespace sdk = switchboard::sdk;
namespace server = switchboard::server;
using namespace voice_api;

namespace {

// Routes that change the server: the admin role, when auth is on.
bool admin_only(const server::Request &r) {
  const auto &p = r.path;
  return (r.method == "POST" && p.rfind("/providers/", 0) == 0) || (r.method == "POST" && p == "/admin/reload") ||
         (r.method == "DELETE" && (p == "/cache/clear" || p == "/sessions/cleanup"));
}

// Open to anyone: what a load balancer or a browser asks before it has a key.
bool open_route(const server::Request &r) {
  return r.path == "/" || r.path == "/health" || r.path == "/openapi.json";
}

}  // namespace

class VoiceApiTransport : public sdk::Transport {
 public:
  explicit VoiceApiTransport(sdk::Host &host) : host_(host), settings_(read_settings(host.config())) {
    views_.providers = host.extension<sb_providers_ext>(SB_EXT_PROVIDERS);
    views_.sessions = host.extension<sb_sessions_ext>(SB_EXT_SESSIONS);
    views_.admin = host.extension<sb_admin_ext>(SB_EXT_ADMIN);
  }
  ~VoiceApiTransport() override { stop(); }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) { check_settings(c, errors); }

  std::string start(const std::string &listen) override {
    if (views_.sessions == nullptr) throw sdk::Error(sdk::Status::fatal, "the host offers no sessions extension");
    AuthSettings auth = settings_.auth;
    auth.enabled = settings_.auth_mode == "on" || (settings_.auth_mode == "auto" && !loopback(listen));
    if (auth.enabled && auth.keys.empty()) {
      throw sdk::Error(sdk::Status::fatal,
                       "auth is on (listening beyond loopback) but no api_keys are configured; "
                       "add auth.api_keys or set auth.enabled: false");
    }
    auth_ = std::make_unique<Auth>(auth);
    ip_limiter_ = std::make_unique<RateLimiter>(settings_.requests_per_minute);
    key_limiter_ = std::make_unique<RateLimiter>(settings_.requests_per_minute);
    server::Server::Hooks hooks;
    hooks.handle = [this](const server::Request &r) { return with_cors(r, handle(r)); };
    hooks.upgrade = [this](const server::Request &r, server::SocketHandlers &handlers,
                           std::function<void(std::shared_ptr<server::Socket>)> &on_open) {
      return upgrade(r, handlers, on_open);
    };
    server_ = std::make_unique<server::Server>(std::move(hooks), settings_.limits, settings_.threads);
    try {
      const auto bound = server_->start(listen);
      host_.info(std::string("auth ") + (auth.enabled ? "on" : "off") + ", output audio " +
                 settings_.socket.output_format);
      return bound;
    } catch (const std::exception &e) {
      server_.reset();
      throw sdk::Error(sdk::Status::fatal, e.what());
    }
  }

  void stop() override {
    if (server_) server_->stop();
    server_.reset();
  }

 private:
  bool origin_allowed(const std::string &origin) const {
    return std::find(settings_.cors_origins.begin(), settings_.cors_origins.end(), origin) !=
               settings_.cors_origins.end() ||
           std::find(settings_.cors_origins.begin(), settings_.cors_origins.end(), "*") != settings_.cors_origins.end();
  }

  server::Response with_cors(const server::Request &r, server::Response response) const {
    const std::string origin = r.header("origin");
    if (!origin.empty() && origin_allowed(origin)) {
      response.headers.emplace_back("Access-Control-Allow-Origin", origin);
      response.headers.emplace_back("Vary", "Origin");
    }
    return response;
  }

  // Limits and credentials; an empty optional lets the request through.
  std::optional<server::Response> admit(const server::Request &r, Identity &who) {
    int retry_after = 0;
    if (!ip_limiter_->allow(r.remote, std::chrono::steady_clock::now(), retry_after)) {
      auto refused = detail(429, "Too many requests");
      refused.headers.emplace_back("Retry-After", std::to_string(retry_after));
      return refused;
    }
    if (!auth_->enabled()) {
      who.role = Role::admin;
      return std::nullopt;
    }
    who = auth_->identify(r);
    if (who.role == Role::none && !open_route(r)) {
      auto refused = detail(401, who.error);
      refused.headers.emplace_back("WWW-Authenticate", "Bearer");
      return refused;
    }
    if (who.role != Role::none &&
        !key_limiter_->allow("key:" + who.subject, std::chrono::steady_clock::now(), retry_after)) {
      auto refused = detail(429, "Too many requests for this key");
      refused.headers.emplace_back("Retry-After", std::to_string(retry_after));
      return refused;
    }
    return std::nullopt;
  }

  server::Response handle(const server::Request &r) {
    if (r.method == "OPTIONS") return preflight(r);
    Identity who;
    if (auto refused = admit(r, who)) return *refused;
    if (admin_only(r) && who.role != Role::admin) return detail(403, "Admin role required");
    if (r.path == "/auth/token") return token(r, who);
    return route(r, views_);
  }

  server::Response preflight(const server::Request &r) const {
    const std::string origin = r.header("origin");
    if (origin.empty() || !origin_allowed(origin)) return detail(403, "Origin not allowed");
    return {204,
            "",
            "",
            {{"Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"},
             {"Access-Control-Allow-Headers", "Authorization, Content-Type, X-API-Key"},
             {"Access-Control-Max-Age", "600"}}};
  }

  server::Response token(const server::Request &r, const Identity &who) {
    if (r.method != "POST") return detail(405, "Method Not Allowed");
    std::string user_id;
    if (!r.body.empty()) {
      const auto body = nlohmann::json::parse(r.body, nullptr, false);
      if (!body.is_object()) return detail(400, "The body must be a JSON object");
      const auto it = body.find("user_id");
      if (it != body.end() && !it->is_string()) return detail(400, "'user_id' must be a string");
      if (it != body.end()) user_id = it->get<std::string>();
    }
    if (user_id.empty()) user_id = "user-" + random_id();
    // A token never carries more than its issuer had: without auth, a user.
    const Role role = auth_->enabled() ? who.role : Role::user;
    long expires_at = 0;
    const std::string t = auth_->issue(user_id, role, expires_at);
    return {200,
            "application/json",
            nlohmann::json{{"token", t}, {"user_id", user_id}, {"role", to_string(role)}, {"expires_at", expires_at}}
                .dump(),
            {}};
  }

  server::Response upgrade(const server::Request &r, server::SocketHandlers &handlers,
                           std::function<void(std::shared_ptr<server::Socket>)> &on_open) {
    const std::string prefix = "/voice/";
    if (r.path.rfind(prefix, 0) != 0 || r.path.size() == prefix.size() ||
        r.path.find('/', prefix.size()) != std::string::npos) {
      return detail(404, "Not Found");
    }
    const std::string origin = r.header("origin");
    if (!origin.empty() && !origin_allowed(origin)) return detail(403, "Origin not allowed");
    Identity who;
    if (auto refused = admit(r, who)) return *refused;
    auto socket = std::make_shared<VoiceSocket>(views_, r.path.substr(prefix.size()), settings_.socket);
    socket->bind(handlers, on_open);
    return {101, "", "", {}};
  }

  static std::string random_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(rng()));
    return out;
  }

  sdk::Host &host_;
  Settings settings_;
  HostViews views_;
  std::unique_ptr<Auth> auth_;
  std::unique_ptr<RateLimiter> ip_limiter_;
  std::unique_ptr<RateLimiter> key_limiter_;
  std::unique_ptr<server::Server> server_;
};

SWITCHBOARD_PLUGIN(VoiceApiTransport, "transport-voice-api", "1.0.0",
                   "The Voice Assistant API over HTTP and WebSocket, with auth, limits and metrics")
