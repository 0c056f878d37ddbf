// transport-poppins: the Poppins API (../shared/apis/poppins.md) on
// Switchboard's providers, every path as documented. The gateway (auth,
// limits, origins, the route table) is the SDK's, as for every transport;
// turns go through the host's sessions, so the native API sees the same
// conversations. Config: settings.hpp; docs/apis.md.
#include <memory>

#include "chat.hpp"
#include "chat_routes.hpp"
#include "poppins_socket.hpp"
#include "settings.hpp"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/server/gateway.hpp"
#include "switchboard/server/server.hpp"

namespace sdk = switchboard::sdk;
namespace server = switchboard::server;
using namespace poppins;
using server::Access;
using server::Call;

class PoppinsTransport : public sdk::Transport {
 public:
  explicit PoppinsTransport(sdk::Host &host)
      : host_(host),
        settings_(read_settings(host.config())),
        sessions_(host.extension<sb_sessions_ext>(SB_EXT_SESSIONS)) {}
  ~PoppinsTransport() override { stop(); }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    server::check_transport_settings(c, errors);
  }

  std::string start(const std::string &listen) override {
    if (sessions_ == nullptr) throw sdk::Error(sdk::Status::fatal, "the host offers no sessions extension");
    chat_ = std::make_unique<Chat>(*sessions_, settings_.sample_rate);
    server::Router router;
    add_chat_routes(router, *chat_, settings_.max_audio_bytes);
    add_session_routes(router, *sessions_);
    router.add_upgrade("/ws/{session_id}", Access::user,
                       [this](const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
                         return upgrade(c, handlers, on_open);
                       });
    gateway_ = std::make_unique<server::Gateway>("poppins", std::move(router), settings_.gateway, detail,
                                                 [this](const std::string &line) { host_.info(line); });
    const auto bound = gateway_->serve(server_, listen, settings_.threads);
    host_.info(std::string("auth ") + (gateway_->auth()->enabled() ? "on" : "off") + ", answers in WAV at " +
               std::to_string(settings_.sample_rate) + " Hz");
    return bound;
  }

  void stop() override {
    if (server_) server_->stop();  // abandons every late answer: their turns stop
    server_.reset();
    chat_.reset();
  }

  void reconfigure(const nlohmann::json &config) override {
    if (!gateway_) return;
    const Settings next = read_settings(config);
    gateway_->reauthorize(next.gateway.auth);
  }

 private:
  server::Response upgrade(const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
    const std::string &id = c.param("session_id");
    if (!server::valid_session_id(id)) return detail(400, "Invalid session id: 1 to 128 of A-Z a-z 0-9 - . _ ~");
    std::function<void()> release;
    if (auto refused = gateway_->take_session(c.who, c.client, release)) return *refused;
    auto *gateway = gateway_.get();
    const auto who = c.who;
    auto socket = std::make_shared<PoppinsSocket>(
        *chat_, id, who, settings_.max_audio_bytes, [gateway, who] { return gateway->allow_message(who); },
        std::move(release));
    socket->bind(handlers, on_open);
    return {101, "", "", {}};
  }

  sdk::Host &host_;
  Settings settings_;
  const sb_sessions_ext *sessions_;
  std::unique_ptr<Chat> chat_;
  std::unique_ptr<server::Gateway> gateway_;
  std::unique_ptr<server::Server> server_;
};

SWITCHBOARD_PLUGIN(PoppinsTransport, "transport-poppins", "1.0.0",
                   "The Poppins API: REST, Server-Sent Events and WebSocket chat on Switchboard's providers")
