// transport-conversational: the Conversational AI API
// (../shared/apis/conversational.md) on Switchboard's providers, every path
// as documented: GET /, GET /health and the WebSocket conversation at /ws.
// The gateway (auth, limits, origins, the route table) is the SDK's, as for
// every transport, with this API's documented limits as defaults; each
// connection's conversations are sessions of their own, so the native API
// sees them. docs/apis.md.
//
// Config: the keys of every transport that speaks
// (switchboard/server/transport_settings.hpp), with the limits the API
// documents as defaults:
//
//   threads: 1
//   sample_rate: 16000            ai_response audio (WAV) and raw PCM16 input, as documented
//   limits:
//     requests_per_minute: 100    per client address (upgrades included), as documented
//     max_sessions_per_address: 10  WebSocket connections at once from one address, as documented
//     messages_per_second_per_subject: 0  audio chunks: no limit (real-time streaming), as documented
//     max_audio_bytes: 1048576    one decoded audio_data
#include <atomic>
#include <memory>

#include "conversation_socket.hpp"
#include "switchboard/ext/admin.h"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/server/chain_health.hpp"
#include "switchboard/server/gateway.hpp"
#include "switchboard/server/server.hpp"
#include "switchboard/server/socket_refusal.hpp"
#include "switchboard/server/transport_settings.hpp"
#include "switchboard/server/validation.hpp"

namespace sdk = switchboard::sdk;
namespace server = switchboard::server;
using namespace conversational;
using server::Access;
using server::Call;
using server::Response;

namespace {

server::TransportSettings read_settings(const nlohmann::json &config) {
  server::TransportSettings documented;
  documented.sample_rate = 16000;
  documented.max_audio_bytes = std::size_t{1} << 20;
  documented.gateway.requests_per_minute = 100;
  documented.gateway.max_sessions_per_address = 10;
  documented.gateway.messages_per_second_per_subject = 0;
  return server::read_transport_settings(config, documented);
}

using server::json_response;

// FastAPI's error body, which the API's server answered with.
const auto detail = server::detail_response;

}  // namespace

class ConversationalTransport : public sdk::Transport {
 public:
  explicit ConversationalTransport(sdk::Host &host)
      : host_(host),
        settings_(read_settings(host.config())),
        sessions_(host.extension<sb_sessions_ext>(SB_EXT_SESSIONS)),
        admin_(host.extension<sb_admin_ext>(SB_EXT_ADMIN)) {}
  ~ConversationalTransport() override { stop(); }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    server::check_transport_settings(c, errors);
  }

  std::string start(const std::string &listen) override {
    if (sessions_ == nullptr) throw sdk::Error(sdk::Status::fatal, "the host offers no sessions extension");
    server::Router router;
    router.add("GET", "/", Access::open, [](const Call &) {
      return json_response(200, {{"message", "Conversational AI Backend is running"}, {"status", "healthy"}});
    });
    router.add("GET", "/health", Access::open, [this](const Call &) { return health(); });
    router.add_upgrade("/ws", Access::user,
                       [this](const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
                         return upgrade(c, handlers, on_open);
                       });
    gateway_ = std::make_unique<server::Gateway>("conversational", std::move(router), settings_.gateway, detail,
                                                 [this](const std::string &line) { host_.info(line); });
    const auto bound = gateway_->serve(server_, listen, settings_.threads);
    host_.info(std::string("auth ") + (gateway_->auth()->enabled() ? "on" : "off") + ", answers in WAV at " +
               std::to_string(settings_.sample_rate) + " Hz, at most " +
               std::to_string(settings_.gateway.max_sessions_per_address) + " connections per address");
    return bound;
  }

  void stop() override {
    if (server_) server_->stop();  // closes every socket: their sessions are detached
    server_.reset();
  }

  // At a reload, new credentials apply at once; the rest waits for a restart.
  void reconfigure(const nlohmann::json &config) override {
    if (gateway_) gateway_->reauthorize(read_settings(config).gateway.auth);
  }

 private:
  // The document's services, from the chains' state: the AI service is the
  // llm chain, the audio processor speech in (stt), the audio pipeline
  // speech out (tts). Without speech in or an answerer nothing can be
  // answered (503); without speech out answers come as text (degraded).
  Response health() const {
    const auto h = server::chain_health(admin_);
    if (!h) return detail(503, "the host offers no health view");
    const bool answers = h->stt && h->llm;
    return json_response(
        answers ? 200 : 503,
        {{"status", !answers ? "unhealthy"
                    : h->tts ? "healthy"
                             : "degraded"},
         {"services", {{"ai_service", h->llm}, {"audio_processor", h->stt}, {"audio_pipeline", h->tts}}},
         {"active_connections", connections_->load()}});
  }

  Response upgrade(const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
    std::function<void()> release;
    if (auto refused = gateway_->take_session(c.who, c.client, release)) {
      // Told in the API's error message, then closed (1008, policy).
      const std::string why = refused->status == 503
                                  ? "Too many connections to this server"
                                  : "Too many WebSocket connections from this address (at most " +
                                        std::to_string(settings_.gateway.max_sessions_per_address) + ")";
      server::refuse_after_upgrade(handlers, on_open,
                                   nlohmann::json{{"type", "error"}, {"code", "RATE_LIMITED"}, {"message", why}}.dump(),
                                   1008, "Too many connections");
      return {101, "", "", {}};
    }
    const std::string id = "conn_" + std::to_string(next_connection_++);
    connections_->fetch_add(1);
    auto released = [release = std::move(release), connections = connections_] {
      connections->fetch_sub(1);
      release();
    };
    SocketSettings socket{settings_.sample_rate, settings_.max_audio_bytes};
    auto conversation = std::make_shared<ConversationSocket>(*sessions_, socket, id, c.who, std::move(released));
    conversation->bind(handlers, on_open);
    return {101, "", "", {}};
  }

  sdk::Host &host_;
  server::TransportSettings settings_;
  const sb_sessions_ext *sessions_;
  const sb_admin_ext *admin_;
  std::atomic<std::uint64_t> next_connection_{0};
  // Open sockets: held by each socket's release too, which may run after
  // the transport is gone.
  std::shared_ptr<std::atomic<std::int64_t>> connections_ = std::make_shared<std::atomic<std::int64_t>>(0);
  std::unique_ptr<server::Gateway> gateway_;
  std::unique_ptr<server::Server> server_;
};

SWITCHBOARD_PLUGIN(ConversationalTransport, "transport-conversational", "1.0.0",
                   "The Conversational AI API: its WebSocket conversation protocol on Switchboard's providers")
