// transport-voxtral: the Voxtral + Orpheus API (../shared/apis/voxtral.md)
// on Switchboard's providers, every path as documented: /health,
// /api/voices, /api/stats, /docs, /redoc, the web client at / and the
// WebSocket /ws/{session_id}. The gateway (auth, limits, origins, the route
// table) is the SDK's, as for every transport, with this API's documented
// limits as defaults; turns go through the host's sessions. docs/apis.md.
//
// Config: the keys of every transport that speaks
// (switchboard/server/transport_settings.hpp), with the API's values as
// defaults, and its own:
//
//   sample_rate: 24000            audio_response (WAV), as documented
//   default_voice: ""             a voice of GET /api/voices ("": the chain's first)
//   status_updates: false         send the status messages unasked (?status_updates=true per socket)
//   limits:
//     max_sessions: 20            WebSocket connections at once, as documented
//     idle_timeout_ms: 3600000    an hour of silence either way, as documented
//     max_message_bytes: 12582912 one WebSocket message (30 s of WAV in base64 fits)
//     max_audio_bytes: 8388608    one decoded audio
// 30 s of audio per message is the host's audio.max_message_seconds (30).
#include <memory>

#include "rest_routes.hpp"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/server/gateway.hpp"
#include "switchboard/server/server.hpp"
#include "switchboard/server/session_turn.hpp"
#include "switchboard/server/socket_refusal.hpp"
#include "switchboard/server/transport_settings.hpp"
#include "switchboard/server/turn_runner.hpp"
#include "voices.hpp"
#include "voxtral_socket.hpp"

namespace sdk = switchboard::sdk;
namespace server = switchboard::server;
using namespace voxtral;
using server::Access;
using server::Call;

namespace {

server::TransportSettings read_settings(const nlohmann::json &config) {
  server::TransportSettings documented;
  documented.sample_rate = 24000;
  documented.max_audio_bytes = std::size_t{8} << 20;
  documented.gateway.max_sessions = 20;
  documented.gateway.limits.idle_timeout = std::chrono::hours(1);
  documented.gateway.limits.max_message_bytes = std::size_t{12} << 20;
  return server::read_transport_settings(config, documented);
}

bool truthy(const std::string &v) {
  return v == "true" || v == "1" || v == "yes";
}

}  // namespace

class VoxtralTransport : public sdk::Transport {
 public:
  explicit VoxtralTransport(sdk::Host &host)
      : host_(host),
        settings_(read_settings(host.config())),
        status_updates_(host.config().value("status_updates", false)),
        sessions_(host.extension<sb_sessions_ext>(SB_EXT_SESSIONS)),
        admin_(host.extension<sb_admin_ext>(SB_EXT_ADMIN)),
        voices_(host.extension<sb_providers_ext>(SB_EXT_PROVIDERS), host.config().value("default_voice", "")) {}
  ~VoxtralTransport() override { stop(); }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    server::check_transport_settings(c, errors, {"default_voice", "status_updates"});
    if (c.contains("default_voice") && !c["default_voice"].is_string()) {
      errors.add("/default_voice", "'default_voice' must be a voice's name");
    }
    if (c.contains("status_updates") && !c["status_updates"].is_boolean()) {
      errors.add("/status_updates", "'status_updates' must be true or false");
    }
  }

  std::string start(const std::string &listen) override {
    if (sessions_ == nullptr) throw sdk::Error(sdk::Status::fatal, "the host offers no sessions extension");
    turns_ = std::make_unique<server::TurnRunner>(*sessions_, settings_.sample_rate);
    rest_ = std::make_unique<RestContext>(
        RestContext{voices_, counters_, admin_, host_.extension<sb_providers_ext>(SB_EXT_PROVIDERS),
                    settings_.gateway.max_sessions, 16000, [this] { return gateway_->requests(); }});
    sockets_ = std::make_unique<SocketContext>(
        SocketContext{*turns_, voices_, counters_, settings_.sample_rate, settings_.max_audio_bytes,
                      [this](const std::string &key) {
                        server::Request r;
                        r.headers["x-api-key"] = key;
                        return gateway_->auth()->identify(r, server::CredentialSources::headers);
                      },
                      [this] { return server_status(*rest_); }});
    server::Router router;
    add_rest_routes(router, *rest_);
    // Open: with auth on, a client may send its key in an auth message
    // after connecting, as documented.
    router.add_upgrade("/ws/{session_id}", Access::open,
                       [this](const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
                         return upgrade(c, handlers, on_open);
                       });
    gateway_ = std::make_unique<server::Gateway>("voxtral", std::move(router), settings_.gateway, detail,
                                                 [this](const std::string &line) { host_.info(line); });
    const auto bound = gateway_->serve(server_, listen, settings_.threads);
    host_.info(std::string("auth ") + (gateway_->auth()->enabled() ? "on" : "off") + ", answers in WAV at " +
               std::to_string(settings_.sample_rate) + " Hz, default voice '" + voices_.default_voice() + "'");
    return bound;
  }

  void stop() override {
    if (server_) server_->stop();  // closes every socket: their turns stop
    server_.reset();
    turns_.reset();
  }

  // At a reload, new credentials apply at once; the rest waits for a restart.
  void reconfigure(const nlohmann::json &config) override {
    if (gateway_) gateway_->reauthorize(read_settings(config).gateway.auth);
  }

 private:
  server::Response upgrade(const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
    const std::string &id = c.param("session_id");
    const auto refuse = [&](const std::string &message, std::uint16_t code, const char *reason) {
      server::refuse_after_upgrade(handlers, on_open, nlohmann::json{{"type", "error"}, {"message", message}}.dump(),
                                   code, reason);
      return server::Response{101, "", "", {}};
    };
    if (id.size() < 5 || !server::valid_session_id(id)) {
      return refuse("Invalid session ID: at least 5 characters, of A-Z a-z 0-9 - . _ ~", 1002, "invalid session id");
    }
    std::function<void()> release;
    if (gateway_->take_session(c.who, c.client, release)) {
      return refuse("Server at capacity: at most " + std::to_string(settings_.gateway.max_sessions) +
                        " connections; try again later",
                    1011, "server at capacity");
    }
    counters_.connections.fetch_add(1);
    auto released = [release = std::move(release), counters = &counters_] {
      counters->connections.fetch_sub(1);
      release();
    };
    const auto query = c.request.query.find("status_updates");
    const bool updates = query == c.request.query.end() ? status_updates_ : truthy(query->second);
    auto socket = std::make_shared<VoxtralSocket>(*sockets_, id, c.who, updates, std::move(released));
    socket->bind(handlers, on_open);
    return {101, "", "", {}};
  }

  sdk::Host &host_;
  server::TransportSettings settings_;
  bool status_updates_;
  const sb_sessions_ext *sessions_;
  const sb_admin_ext *admin_;
  Voices voices_;
  Counters counters_;
  std::unique_ptr<server::TurnRunner> turns_;
  std::unique_ptr<RestContext> rest_;
  std::unique_ptr<SocketContext> sockets_;
  std::unique_ptr<server::Gateway> gateway_;
  std::unique_ptr<server::Server> server_;
};

SWITCHBOARD_PLUGIN(VoxtralTransport, "transport-voxtral", "1.0.0",
                   "The Voxtral + Orpheus API: voices, stats, docs pages and its WebSocket on Switchboard's providers")
