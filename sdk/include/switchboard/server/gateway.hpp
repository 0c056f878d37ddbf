// What stands between the network and a transport's routes, the same for
// every transport: the path made canonical, the Host checked (DNS
// rebinding), the route found (404/405 before any handler), limits per
// client address (trusted proxies believed) and per key or token, the
// credential checked against the route's access, cross-site requests to
// state-changing routes refused, CORS answered, blocking routes moved off
// the I/O threads, handler failures turned into a 500 that says nothing of
// the exception, and an access log with credentials redacted.
//
// A transport declares its routes (router.hpp), says how its API writes an
// error, and takes the server hooks. Config (every transport's block):
//
//   cors_origins: [http://localhost:3000]  browser origins allowed (CORS, WebSockets,
//                                  state-changing requests); "*" any
//   allowed_hosts: []              Host names served besides the listener's own (a
//                                  public name behind a proxy); "*" any
//   trusted_proxies: []            CIDRs whose X-Forwarded-For / Forwarded is believed
//   access_log: false              one info line per request, credentials redacted
//   (rate_limit_headers: a transport's choice, not a key: X-RateLimit-* headers)
//   auth: {enabled: auto, api_keys: [{name, key, role}], jwt_secret, token_ttl_seconds: 3600,
//          issuer: switchboard, audience: <transport name>}
//   limits: {requests_per_minute: 600, max_sessions: 1000, max_sessions_per_subject: 20,
//            max_sessions_per_address: 0 (no limit), messages_per_second_per_subject: 500,
//            + server.hpp's Limits}
//
// A transport whose published API documents other limits starts from its
// own defaults (read_gateway_settings' second argument).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/sdk/config.hpp"
#include "switchboard/server/auth.hpp"
#include "switchboard/server/client_address.hpp"
#include "switchboard/server/rate_limiter.hpp"
#include "switchboard/server/router.hpp"
#include "switchboard/server/server.hpp"

namespace switchboard::server {

struct GatewaySettings {
  std::vector<std::string> cors_origins = {"http://localhost:3000"};
  std::vector<std::string> allowed_hosts;
  std::vector<Network> trusted_proxies;
  bool access_log = false;
  bool rate_limit_headers = false;  // X-RateLimit-* on every answer (a transport's API may document them)
  std::string auth_mode = "auto";   // auto (on unless on loopback), on, off
  AuthSettings auth;
  Limits limits;
  double requests_per_minute = 600;  // per client address, and per key or token
  std::size_t max_sessions = 1000;   // live sessions (attached clients) in all
  std::size_t max_sessions_per_subject = 20;
  std::size_t max_sessions_per_address = 0;      // per client address; 0: no limit
  double messages_per_second_per_subject = 500;  // WebSocket messages, all of a key's sockets
};

// The common keys of a transport block, over `defaults`; `extra_keys` and
// `extra_limits` name the transport's own.
GatewaySettings read_gateway_settings(const nlohmann::json &config, GatewaySettings defaults = {});
void check_gateway_settings(const nlohmann::json &config, sdk::ConfigErrors &errors,
                            const std::vector<std::string_view> &extra_keys,
                            const std::vector<std::string_view> &extra_limits);

// Whether "host:port" listens on a loopback address only.
bool loopback_listener(const std::string &listen);

// Counts live sessions against a total, a per-subject and a per-address
// cap (0: none).
class SessionQuota {
 public:
  SessionQuota(std::size_t total, std::size_t per_subject, std::size_t per_address = 0)
      : total_(total), per_subject_(per_subject), per_address_(per_address) {}
  // 0 when taken; otherwise the HTTP status that refuses (429: this
  // subject or address has too many, 503: the server has). "" (no subject,
  // auth off; no address) is not counted on its own.
  int take(const std::string &subject, const std::string &address = {});
  void give(const std::string &subject, const std::string &address = {});

 private:
  std::size_t total_, per_subject_, per_address_;
  std::mutex mutex_;
  std::size_t live_ = 0;
  std::unordered_map<std::string, std::size_t> by_subject_, by_address_;
};

class Gateway {
 public:
  // How the transport's API writes an error with this status.
  using ErrorBody = std::function<Response(int status, const std::string &message)>;
  using Log = std::function<void(const std::string &line)>;

  // `name`: the transport's (the tokens' default audience).
  Gateway(std::string name, Router router, GatewaySettings settings, ErrorBody error, Log log);

  // Decides auth and the listener's own Host name from the listen address;
  // throws std::invalid_argument when auth is on without keys. Before the
  // server starts.
  void prepare(const std::string &listen);
  // The server's hooks.
  Server::Hooks hooks();
  // prepare(), then a server with these hooks and limits listening there:
  // returns the bound address. Throws sdk::Error (fatal) with the reason
  // when the config is refused or the address cannot be had.
  std::string serve(std::unique_ptr<Server> &server, const std::string &listen, unsigned threads);
  // A live session for `who` at `client` (a WebSocket that holds one): the
  // refusal in the API's error format (429 or 503, with Retry-After), or
  // none with `release` set to give it back once.
  std::optional<Response> take_session(const Identity &who, const std::string &client, std::function<void()> &release);

  // The credentials in force (a reload may replace them: reauthorize).
  std::shared_ptr<const Auth> auth() const { return auth_.load(); }
  // New keys, secret or token rules from a reload; whether auth is on stays
  // as it was decided at prepare(). Throws sdk::Error (invalid_input) when
  // they cannot apply, which a transport's reconfigure() passes on.
  void reauthorize(AuthSettings auth);
  const GatewaySettings &settings() const noexcept { return settings_; }
  SessionQuota &sessions() { return *quota_; }
  // One WebSocket message from a subject: false when over its limit.
  bool allow_message(const Identity &who);
  // API requests answered (upgrades included), for the transport's metrics.
  std::uint64_t requests() const noexcept { return requests_.load(std::memory_order_relaxed); }

  // The pieces, for tests and for transports with a route of their own.
  bool host_allowed(const Request &request) const;
  bool origin_allowed(const Request &request) const;
  // Empty when a state-changing request may go on; otherwise why not.
  std::string cross_site_refusal(const Request &request) const;

 private:
  Response handle(const Request &request);
  Response upgrade(const Request &request, SocketHandlers &handlers, OnOpen &on_open);
  // The checks common to both; a response when refused.
  std::optional<Response> admit(const Request &request, bool upgrade, Router::Match &match,
                                std::vector<std::string> &segments, Identity &who, std::string &client,
                                RateLimiter::Left &left);
  Response with_cors(const Request &request, Response response) const;
  // X-RateLimit-Limit, -Remaining and -Reset, where the transport asks for them.
  Response with_limits(const RateLimiter::Left &left, Response response) const;
  Response preflight(const Request &request);
  void access(const Request &request, int status, const std::string &client) const;

  std::string name_;
  Router router_;
  GatewaySettings settings_;
  ErrorBody error_;
  Log log_;
  std::atomic<std::shared_ptr<const Auth>> auth_;
  std::unique_ptr<RateLimiter> by_address_, by_subject_, messages_;
  std::unique_ptr<SessionQuota> quota_;
  std::vector<std::string> listener_hosts_;
  bool loopback_ = true;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace switchboard::server
