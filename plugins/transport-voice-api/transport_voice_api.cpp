// transport-voice-api: Switchboard's native API (../shared/apis/voice-assistant.md)
// over HTTP and WebSocket. What every transport shares (the route table,
// auth, limits, CORS and cross-site checks) is the SDK's gateway
// (switchboard/server/gateway.hpp); this file declares the routes. Config:
// settings.hpp; docs/voice-api.md, docs/security.md.
#include <memory>
#include <random>

#include "console_routes.hpp"
#include "metrics_feed.hpp"
#include "rest_routes.hpp"
#include "settings.hpp"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/server/gateway.hpp"
#include "switchboard/server/server.hpp"
#include "voice_socket.hpp"

namespace sdk = switchboard::sdk;
namespace server = switchboard::server;
using namespace voice_api;
using server::Access;
using server::Call;
using server::Role;

class VoiceApiTransport : public sdk::Transport {
 public:
  explicit VoiceApiTransport(sdk::Host &host)
      : host_(host), settings_(read_settings(host.config())), applied_config_(host.config()) {
    views_.providers = host.extension<sb_providers_ext>(SB_EXT_PROVIDERS);
    views_.sessions = host.extension<sb_sessions_ext>(SB_EXT_SESSIONS);
    views_.admin = host.extension<sb_admin_ext>(SB_EXT_ADMIN);
  }
  ~VoiceApiTransport() override { stop(); }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) { check_settings(c, errors); }

  std::string start(const std::string &listen) override {
    if (views_.sessions == nullptr) throw sdk::Error(sdk::Status::fatal, "the host offers no sessions extension");
    server::Router router;
    add_rest_routes(router, views_, [this] { return gateway_->requests(); });
    add_console_routes(router);
    router.add("POST", "/auth/token", Access::user, [this](const Call &c) { return token(c); });
    feed_ = std::make_unique<MetricsFeed>(views_);
    router.add_upgrade("/metrics/ws", Access::user,
                       [this](const Call &, server::SocketHandlers &handlers, server::OnOpen &on_open) {
                         auto *feed = feed_.get();
                         handlers.on_text = [](std::string_view) {};  // nothing to say to it
                         on_open = [feed](std::shared_ptr<server::Socket> s) { feed->subscribe(std::move(s)); };
                         return server::Response{101, "", "", {}};
                       });
    router.add_upgrade("/voice/{session_id}", Access::user,
                       [this](const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
                         return upgrade(c, handlers, on_open);
                       });
    gateway_ = std::make_unique<server::Gateway>("voice-api", std::move(router), settings_.gateway, detail,
                                                 [this](const std::string &line) { host_.info(line); });
    const auto bound = gateway_->serve(server_, listen, settings_.threads);
    host_.info(std::string("auth ") + (gateway_->auth()->enabled() ? "on" : "off") + ", output audio " +
               settings_.socket.output_format);
    return bound;
  }

  void stop() override {
    if (server_) server_->stop();
    server_.reset();
    feed_.reset();
  }

  // At a reload: new keys, secret and token rules apply at once (a key
  // removed stops working, with its tokens); the rest waits for a restart.
  void reconfigure(const nlohmann::json &config) override {
    if (!gateway_) return;
    Settings next = read_settings(config);
    gateway_->reauthorize(next.gateway.auth);
    next.gateway.auth = settings_.gateway.auth;
    const nlohmann::json old_rest = without_auth(applied_config_), new_rest = without_auth(config);
    applied_config_ = config;
    if (old_rest != new_rest) {
      throw sdk::Error(sdk::Status::invalid_input, "new credentials applied; other changes need a restart");
    }
  }

 private:
  // POST /auth/token: a token for user_id (a new id when none is given). A
  // token never carries more than its issuer: with auth off, a user; with a
  // token, the same subject and no longer than it lives.
  server::Response token(const Call &c) {
    std::string user_id;
    const auto &body_text = c.request.body;
    if (!body_text.empty()) {
      const auto body = nlohmann::json::parse(body_text, nullptr, false);
      if (!body.is_object()) return detail(400, "The body must be a JSON object");
      const auto it = body.find("user_id");
      if (it != body.end() && !it->is_string()) return detail(400, "'user_id' must be a string");
      if (it != body.end()) user_id = it->get<std::string>();
    }
    const auto auth = gateway_->auth();
    server::Identity issuer = c.who;
    if (!auth->enabled()) issuer = {};
    if (user_id.empty()) user_id = issuer.by_token() ? issuer.subject : "user-" + random_id();
    if (!valid_session_id(user_id)) return detail(400, "'user_id' must be 1 to 128 of A-Z a-z 0-9 - . _ ~");
    const Role role = auth->enabled() ? issuer.role : Role::user;
    std::int64_t expires_at = 0;
    try {
      const std::string t = auth->issue(issuer, user_id, role, expires_at);
      return {200,
              "application/json",
              nlohmann::json{
                  {"token", t}, {"user_id", user_id}, {"role", server::to_string(role)}, {"expires_at", expires_at}}
                  .dump(),
              {}};
    } catch (const std::invalid_argument &e) {
      return detail(403, e.what());
    }
  }

  server::Response upgrade(const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
    const std::string &id = c.param("session_id");
    if (!valid_session_id(id)) return detail(400, "Invalid session id: 1 to 128 of A-Z a-z 0-9 - . _ ~");
    // Another subject's session: refused before the upgrade, as not found.
    const bool admin = c.who.role == Role::admin;
    if (!admin) {
      Text text;
      Failure f;
      if (views_.sessions->get(views_.sessions->ctx, id.c_str(), text.sink(), &f.error) == SB_OK) {
        const auto view = nlohmann::json::parse(text.value, nullptr, false);
        if (view.is_discarded() || !may_see(c.who, view.value("owner", ""))) return detail(404, "Session not found");
      }
    }
    std::function<void()> release;
    if (auto refused = gateway_->take_session(c.who, c.client, release)) return *refused;
    auto *gateway = gateway_.get();
    SocketSettings socket_settings = settings_.socket;
    if (const auto it = c.request.query.find("stream_text"); it != c.request.query.end()) {
      socket_settings.stream_text = it->second == "1" || it->second == "true";
    }
    auto socket = std::make_shared<VoiceSocket>(
        views_, id, socket_settings, c.who,
        [gateway](const server::Identity &who) { return gateway->allow_message(who); }, std::move(release));
    socket->bind(handlers, on_open);
    return {101, "", "", {}};
  }

  static nlohmann::json without_auth(nlohmann::json config) {
    if (config.is_object()) config.erase("auth");
    return config;
  }

  static std::string random_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(rng()));
    return out;
  }

  sdk::Host &host_;
  Settings settings_;
  nlohmann::json applied_config_;
  HostViews views_;
  std::unique_ptr<server::Gateway> gateway_;
  std::unique_ptr<MetricsFeed> feed_;
  std::unique_ptr<server::Server> server_;
};

SWITCHBOARD_PLUGIN(VoiceApiTransport, "transport-voice-api", "1.0.0",
                   "The Voice Assistant API over HTTP and WebSocket, with auth, limits and metrics")
