// transport-youworker: the YouWorker.AI API (../shared/apis/youworker.md) on
// Switchboard's providers, every path as documented under /v1. The gateway
// (auth, limits with X-RateLimit-* headers, origins, the route table) is the
// SDK's, as for every transport; turns go through the host's sessions, so
// the native API sees the same conversations. docs/apis.md says what is
// served so far.
//
// Config: the keys of every transport that speaks
// (switchboard/server/transport_settings.hpp), with the API's values as
// defaults, and its own:
//
//   sample_rate: 22050            audio_b64 answers (WAV), as documented
//   language: en                  stt_language and assistant_language when none is asked
//   retrieval: true               turns answer from the ingested documents too
//   ingestion:
//     max_file_bytes: 10485760    an upload larger than this is refused (413)
//     url:                        POST /v1/ingestion/url (url_fetch.hpp)
//       enabled: false
//       allowed_hosts: []         "example.com", or ".example.com" with its subdomains
//       max_bytes: 5242880
//       timeout_ms: 10000
//       allow_private: false      loopback, private and link-local addresses
//   limits:
//     requests_per_minute: 100    as documented, with X-RateLimit-* headers
//     messages_per_second_per_subject: 16.7  WebSocket: 1000 a minute
//     max_body_bytes: 16777216    room for a 10 MB upload or audio_b64
// ROOT_API_KEY in the environment (32+ characters) is an admin key.
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "analytics_routes.hpp"
#include "chat_routes.hpp"
#include "chat_socket.hpp"
#include "errors.hpp"
#include "ingestion_routes.hpp"
#include "session_routes.hpp"
#include "switchboard/ext/admin.h"
#include "switchboard/ext/documents.h"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/server/chain_health.hpp"
#include "switchboard/server/gateway.hpp"
#include "switchboard/server/server.hpp"
#include "switchboard/server/session_turn.hpp"
#include "switchboard/server/transport_settings.hpp"
#include "switchboard/server/turn_runner.hpp"
#include "switchboard/server/validation.hpp"

namespace sdk = switchboard::sdk;
namespace server = switchboard::server;
using namespace youworker;
using server::Access;
using server::Call;

namespace {

server::TransportSettings read_settings(const nlohmann::json &config) {
  server::TransportSettings documented;
  documented.sample_rate = 22050;
  documented.gateway.requests_per_minute = 100;
  documented.gateway.rate_limit_headers = true;
  documented.gateway.messages_per_second_per_subject = 1000.0 / 60;
  documented.gateway.limits.max_body_bytes = 16 << 20;
  auto s = server::read_transport_settings(config, documented);
  if (const char *root = std::getenv("ROOT_API_KEY"); root != nullptr && *root != 0) {
    s.gateway.auth.keys.push_back({"root", root, server::Role::admin});
  }
  return s;
}

}  // namespace

class YouWorkerTransport : public sdk::Transport {
 public:
  explicit YouWorkerTransport(sdk::Host &host)
      : host_(host),
        settings_(read_settings(host.config())),
        language_(host.config().value("language", "en")),
        retrieval_(host.config().value("retrieval", true)),
        ingestion_(read_ingestion(host.config())),
        sessions_(host.extension<sb_sessions_ext>(SB_EXT_SESSIONS)),
        documents_(host.extension<sb_documents_ext>(SB_EXT_DOCUMENTS)),
        admin_(host.extension<sb_admin_ext>(SB_EXT_ADMIN)),
        providers_(host.extension<sb_providers_ext>(SB_EXT_PROVIDERS)) {}
  ~YouWorkerTransport() override { stop(); }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    server::check_transport_settings(c, errors, {"language", "retrieval", "ingestion"});
    cfg::expect_string(c, "language", errors);
    cfg::expect_bool(c, "retrieval", errors);
    if (!c.contains("ingestion")) return;
    const auto &i = c["ingestion"];
    if (!i.is_object()) return errors.add("/ingestion", "'ingestion' must be a mapping");
    if (!cfg::allow_only(i, {"max_file_bytes", "url"}, errors, "/ingestion")) return;
    cfg::expect_integer(i, "max_file_bytes", errors, 1024, 1 << 30, "/ingestion");
    if (!i.contains("url")) return;
    const auto &u = i["url"];
    if (!u.is_object()) return errors.add("/ingestion/url", "'url' must be a mapping");
    if (!cfg::allow_only(u, {"enabled", "allowed_hosts", "max_bytes", "timeout_ms", "allow_private"}, errors,
                         "/ingestion/url")) {
      return;
    }
    cfg::expect_bool(u, "enabled", errors, "/ingestion/url");
    cfg::expect_bool(u, "allow_private", errors, "/ingestion/url");
    cfg::expect_integer(u, "max_bytes", errors, 1024, 1 << 30, "/ingestion/url");
    cfg::expect_integer(u, "timeout_ms", errors, 100, 600000, "/ingestion/url");
    if (u.contains("allowed_hosts") &&
        (!u["allowed_hosts"].is_array() || !std::all_of(u["allowed_hosts"].begin(), u["allowed_hosts"].end(),
                                                        [](const nlohmann::json &h) { return h.is_string(); }))) {
      errors.add("/ingestion/url/allowed_hosts", "'allowed_hosts' must be a list of host names");
    }
  }

  std::string start(const std::string &listen) override {
    if (sessions_ == nullptr) throw sdk::Error(sdk::Status::fatal, "the host offers no sessions extension");
    if (const char *root = std::getenv("ROOT_API_KEY");
        root != nullptr && *root != 0 && std::string_view(root).size() < server::kMinSecretLength) {
      throw sdk::Error(sdk::Status::fatal,
                       "ROOT_API_KEY must be at least " + std::to_string(server::kMinSecretLength) + " characters");
    }
    turns_ = std::make_unique<server::TurnRunner>(*sessions_, settings_.sample_rate);
    chat_ =
        std::make_unique<ChatContext>(ChatContext{*turns_, providers_, settings_.sample_rate, settings_.max_audio_bytes,
                                                  language_, retrieval_ && documents_ != nullptr, ledger_});
    ingest_ = std::make_unique<IngestionContext>(IngestionContext{documents_, ingestion_});
    analytics_ = std::make_unique<AnalyticsContext>(AnalyticsContext{*sessions_, documents_, ledger_});
    server::Router router;
    router.add("GET", "/health", Access::open, [this](const Call &) { return health(); });
    add_chat_routes(router, *chat_);
    add_session_routes(router, *sessions_);
    add_ingestion_routes(router, *ingest_);
    add_analytics_routes(router, *analytics_);
    sockets_ = std::make_unique<SocketContext>(
        SocketContext{*chat_, settings_.sample_rate, settings_.max_audio_bytes, language_});
    router.add_upgrade("/chat/{session_id}", Access::user,
                       [this](const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
                         return upgrade(c, handlers, on_open);
                       });
    gateway_ = std::make_unique<server::Gateway>("youworker", std::move(router), settings_.gateway, error_body,
                                                 [this](const std::string &line) { host_.info(line); });
    const auto bound = gateway_->serve(server_, listen, settings_.threads);
    host_.info(std::string("auth ") + (gateway_->auth()->enabled() ? "on" : "off") + ", answers in WAV at " +
               std::to_string(settings_.sample_rate) + " Hz");
    return bound;
  }

  void stop() override {
    if (server_) server_->stop();  // abandons every late answer: their turns stop
    server_.reset();
    turns_.reset();
  }

  // At a reload, new credentials apply at once; the rest waits for a restart.
  void reconfigure(const nlohmann::json &config) override {
    if (gateway_) gateway_->reauthorize(read_settings(config).gateway.auth);
  }

 private:
  // Credentials by ?token= or ?api_key= (the gateway takes them on
  // upgrades); a refused one is the gateway's 401 before the upgrade.
  server::Response upgrade(const Call &c, server::SocketHandlers &handlers, server::OnOpen &on_open) {
    const std::string &id = c.param("session_id");
    if (!server::valid_session_id(id)) return error_body(400, "session_id must be 1 to 128 of A-Z a-z 0-9 - . _ ~");
    std::function<void()> release;
    if (auto refused = gateway_->take_session(c.who, c.client, release)) return *refused;
    auto *gateway = gateway_.get();
    const auto who = c.who;
    auto socket = std::make_shared<ChatSocket>(
        *sockets_, id, who, [gateway, who] { return gateway->allow_message(who); }, std::move(release));
    socket->bind(handlers, on_open);
    return {101, "", "", {}};
  }

  // The document's services, from the chains' state: "ollama" is the
  // answerer (the llm chain), "postgres" the conversation store, "qdrant"
  // the documents index; there are no MCP servers (tools are the host's).
  server::Response health() const {
    const auto h = server::chain_health(admin_);
    if (!h) return error_body(503, "the host offers no health view");
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const nlohmann::json body = {{"status", !h->llm            ? "unhealthy"
                                            : h->stt && h->tts ? "healthy"
                                                               : "degraded"},
                                 {"version", "0.1.0"},
                                 {"timestamp", iso8601(now)},
                                 {"services",
                                  {{"ollama", h->llm ? "connected" : "disconnected"},
                                   {"postgres", "connected"},
                                   {"qdrant", documents_ != nullptr ? "connected" : "not_configured"},
                                   {"mcp_servers", 0}}},
                                 {"providers", {{"stt", h->stt}, {"llm", h->llm}, {"tts", h->tts}}}};
    return server::json_response(h->llm ? 200 : 503, body);
  }

  sdk::Host &host_;
  server::TransportSettings settings_;
  std::string language_;
  bool retrieval_;
  IngestionSettings ingestion_;
  const sb_sessions_ext *sessions_;
  const sb_documents_ext *documents_;
  const sb_admin_ext *admin_;
  const sb_providers_ext *providers_;
  std::unique_ptr<server::TurnRunner> turns_;
  UsageLedger ledger_;
  std::unique_ptr<ChatContext> chat_;
  std::unique_ptr<IngestionContext> ingest_;
  std::unique_ptr<AnalyticsContext> analytics_;
  std::unique_ptr<SocketContext> sockets_;
  std::unique_ptr<server::Gateway> gateway_;
  std::unique_ptr<server::Server> server_;
};

SWITCHBOARD_PLUGIN(
    YouWorkerTransport, "transport-youworker", "0.1.0",
    "The YouWorker.AI API: chat (SSE, voice, unified, WebSocket) and sessions on Switchboard's providers")
