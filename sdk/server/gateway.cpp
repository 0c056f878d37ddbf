#include "switchboard/server/gateway.hpp"

#include <algorithm>
#include <stdexcept>

#include "switchboard/sdk/status.hpp"

#include "ascii.hpp"
#include "switchboard/server/path.hpp"

namespace switchboard::server {

using ascii::iequals;
using ascii::lower;

namespace {

// "Host: name:port" or "[::1]:port" → the name.
std::string_view host_name(std::string_view host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

bool loopback_name(std::string_view name) {
  return iequals(name, "localhost") || name == "[::1]" || name.substr(0, 4) == "127." ||
         (name.size() > 10 && iequals(name.substr(name.size() - 10), ".localhost"));
}

// "https://a.example:8443" → "a.example:8443".
std::string origin_authority(const std::string &origin) {
  const auto scheme = origin.find("://");
  return lower(scheme == std::string::npos ? origin : origin.substr(scheme + 3));
}

bool json_type(const std::string &content_type) {
  const std::string t = lower(content_type.substr(0, content_type.find(';')));
  return t == "application/json" || (t.rfind("application/", 0) == 0 && t.size() > 5 && t.ends_with("+json"));
}

}  // namespace

namespace {

// One more for `key` under `cap` (0: none); "" is not counted.
bool room(std::unordered_map<std::string, std::size_t> &counts, const std::string &key, std::size_t cap) {
  if (key.empty() || cap == 0) return true;
  const auto it = counts.find(key);
  return it == counts.end() || it->second < cap;
}

void count(std::unordered_map<std::string, std::size_t> &counts, const std::string &key, bool up) {
  if (key.empty()) return;
  if (up) {
    ++counts[key];
    return;
  }
  const auto it = counts.find(key);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

}  // namespace

int SessionQuota::take(const std::string &subject, const std::string &address) {
  std::lock_guard lock(mutex_);
  if (total_ > 0 && live_ >= total_) return 503;
  if (!room(by_subject_, subject, per_subject_) || !room(by_address_, address, per_address_)) return 429;
  count(by_subject_, subject, true);
  count(by_address_, address, true);
  ++live_;
  return 0;
}

void SessionQuota::give(const std::string &subject, const std::string &address) {
  std::lock_guard lock(mutex_);
  if (live_ == 0) return;
  --live_;
  count(by_subject_, subject, false);
  count(by_address_, address, false);
}

Gateway::Gateway(std::string name, Router router, GatewaySettings settings, ErrorBody error, Log log)
    : name_(std::move(name)),
      router_(std::move(router)),
      settings_(std::move(settings)),
      error_(std::move(error)),
      log_(std::move(log)) {}

std::string Gateway::serve(std::unique_ptr<Server> &server, const std::string &listen, unsigned threads) {
  try {
    prepare(listen);
    server = std::make_unique<Server>(hooks(), settings_.limits, threads);
    return server->start(listen);
  } catch (const std::exception &e) {
    server.reset();
    throw sdk::Error(sdk::Status::fatal, e.what());
  }
}

std::optional<Response> Gateway::take_session(const Identity &who, const std::string &client,
                                              std::function<void()> &release) {
  if (const int refused = quota_->take(who.subject, client); refused != 0) {
    auto r = error_(refused, refused == 429 ? "Too many live sessions for this client" : "Too many live sessions");
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  release = [quota = quota_.get(), subject = who.subject, client, given = std::make_shared<std::atomic<bool>>(false)] {
    if (!given->exchange(true)) quota->give(subject, client);
  };
  return std::nullopt;
}

void Gateway::prepare(const std::string &listen) {
  loopback_ = loopback_listener(listen);
  // Before the server starts: requests read it from then on.
  listener_hosts_ = {std::string(host_name(listen))};
  AuthSettings auth = settings_.auth;
  auth.enabled = settings_.auth_mode == "on" || (settings_.auth_mode == "auto" && !loopback_);
  if (auth.audience.empty()) auth.audience = name_;
  if (auth.enabled && auth.keys.empty()) {
    throw std::invalid_argument(
        "auth is on (listening beyond loopback) but no api_keys are configured; "
        "add auth.api_keys or set auth.enabled: false");
  }
  settings_.auth.enabled = auth.enabled;
  settings_.auth.audience = auth.audience;
  auth_.store(std::make_shared<const Auth>(auth));
  const double per_minute = settings_.requests_per_minute;
  by_address_ = std::make_unique<RateLimiter>(per_minute / 60.0, per_minute);
  by_subject_ = std::make_unique<RateLimiter>(per_minute / 60.0, per_minute);
  messages_ = std::make_unique<RateLimiter>(settings_.messages_per_second_per_subject,
                                            settings_.messages_per_second_per_subject * 2);
  quota_ = std::make_unique<SessionQuota>(settings_.max_sessions, settings_.max_sessions_per_subject,
                                          settings_.max_sessions_per_address);
  const auto proxies = settings_.trusted_proxies;
  if (!proxies.empty()) {
    settings_.limits.per_ip_exempt = [proxies](const std::string &ip) { return any_contains(proxies, ip); };
  }
}

void Gateway::reauthorize(AuthSettings auth) {
  // Runs beside requests: settings_ is not touched, only the pointer.
  auth.enabled = settings_.auth.enabled;
  if (auth.audience.empty()) auth.audience = name_;
  if (auth.enabled && auth.keys.empty()) {
    throw sdk::Error(sdk::Status::invalid_input, "auth is on: the new config has no api_keys");
  }
  auth_.store(std::make_shared<const Auth>(std::move(auth)));
}

Server::Hooks Gateway::hooks() {
  Server::Hooks h;
  h.handle = [this](const Request &r) { return handle(r); };
  h.upgrade = [this](const Request &r, SocketHandlers &handlers, OnOpen &on_open) {
    return upgrade(r, handlers, on_open);
  };
  h.error = error_;
  return h;
}

bool Gateway::allow_message(const Identity &who) {
  if (!settings_.auth.enabled || who.subject.empty()) return true;
  int retry = 0;
  return messages_->allow(who.subject, RateLimiter::Clock::now(), retry);
}

bool Gateway::host_allowed(const Request &r) const {
  const std::string_view name = host_name(r.header_view("host"));
  const auto named = [&](const std::string &h) { return h == "*" || iequals(h, name); };
  if (std::any_of(settings_.allowed_hosts.begin(), settings_.allowed_hosts.end(), named)) return true;
  // On loopback only loopback names: a page whose own name resolves to
  // 127.0.0.1 (DNS rebinding) still sends its own name.
  if (loopback_) {
    return loopback_name(name) || std::any_of(listener_hosts_.begin(), listener_hosts_.end(), named);
  }
  // Elsewhere, with no list, any name the listener is reached by.
  return settings_.allowed_hosts.empty();
}

bool Gateway::origin_allowed(const Request &r) const {
  const std::string_view view = r.header_view("origin");
  if (view.empty()) return true;
  const std::string origin(view);
  const auto &allowed = settings_.cors_origins;
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end() ||
      std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) {
    return true;
  }
  // The server's own pages (same origin).
  return origin != "null" && origin_authority(origin) == lower(r.header("host"));
}

std::string Gateway::cross_site_refusal(const Request &r) const {
  if (!r.header("origin").empty()) return origin_allowed(r) ? "" : "Origin not allowed";
  if (lower(r.header("sec-fetch-site")) == "cross-site") return "Cross-site request refused";
  // With no Origin, only what a cross-site form or image could never send:
  // a method other than the simple ones, a JSON body, or a custom header.
  if (r.method != "POST" && r.method != "GET" && r.method != "HEAD") return "";
  if (json_type(r.header("content-type"))) return "";
  for (const char *h : {"authorization", "x-api-key", "x-requested-with"}) {
    if (!r.header(h).empty()) return "";
  }
  return "A state-changing request needs Content-Type: application/json or an X-Requested-With header";
}

std::optional<Response> Gateway::admit(const Request &r, bool upgrade, Router::Match &match,
                                       std::vector<std::string> &segments, Identity &who, std::string &client,
                                       RateLimiter::Left &left) {
  client = client_address(r, settings_.trusted_proxies);
  std::string why;
  auto canonical = normalize_path(std::string_view(r.target).substr(0, r.target.find('?')), why);
  if (!canonical) return error_(400, "Bad path: " + why);
  segments = std::move(*canonical);
  if (!host_allowed(r)) return error_(421, "Host not served here");
  match = router_.match(r.method, segments, upgrade);
  if (match.route == nullptr) {
    auto refused = error_(match.status, match.status == 404 ? "Not Found" : "Method Not Allowed");
    if (match.status == 405) refused.headers.emplace_back("Allow", match.allow);
    return refused;
  }
  const auto &route = *match.route;
  int retry_after = 0;
  const auto now = RateLimiter::Clock::now();
  if (!by_address_->allow(client, now, retry_after, &left)) {
    auto refused = error_(429, "Rate limit exceeded. Try again in " + std::to_string(retry_after) + " seconds.");
    refused.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return refused;
  }
  if (!route.options.url_credentials && has_url_credentials(r)) {
    return error_(400,
                  "Credentials in the URL are accepted on the WebSocket upgrade only; send X-API-Key or "
                  "Authorization: Bearer");
  }
  if ((upgrade || route.options.changes_state) && !origin_allowed(r)) return error_(403, "Origin not allowed");
  if (route.options.changes_state) {
    if (const auto refusal = cross_site_refusal(r); !refusal.empty()) return error_(403, refusal);
  }
  if (!settings_.auth.enabled) {
    who.role = Role::admin;
    return std::nullopt;
  }
  who = auth_.load()->identify(
      r, route.options.url_credentials ? CredentialSources::headers_and_url : CredentialSources::headers);
  if (who.role == Role::none) {
    if (route.access == Access::open) return std::nullopt;
    auto refused = error_(401, who.error);
    refused.headers.emplace_back("WWW-Authenticate", "Bearer");
    return refused;
  }
  if (route.access == Access::admin && who.role != Role::admin) return error_(403, "Admin role required");
  if (!by_subject_->allow(who.subject, now, retry_after)) {
    auto refused =
        error_(429, "Rate limit exceeded for this key. Try again in " + std::to_string(retry_after) + " seconds.");
    refused.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return refused;
  }
  return std::nullopt;
}

Response Gateway::handle(const Request &r) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  if (r.method == "OPTIONS") return preflight(r);
  Router::Match match;
  std::vector<std::string> segments;
  Identity who;
  std::string client;
  RateLimiter::Left left;
  Response out;
  if (auto refused = admit(r, false, match, segments, who, client, left)) {
    out = std::move(*refused);
  } else if (match.route->options.may_block) {
    // The request and its parts are copied: the call runs after this returns.
    auto request = std::make_shared<const Request>(r);
    auto parts = std::make_shared<const std::vector<std::string>>(std::move(segments));
    out.later = [this, request, parts, params = std::move(match.params), who = std::move(who), client, left,
                 handler = match.route->handler] {
      const Call call{*request, *parts, params, who, client};
      Response done = with_limits(left, with_cors(*request, handler(call)));
      access(*request, done.status, client);
      return done;
    };
    return out;
  } else {
    const Call call{r, segments, std::move(match.params), std::move(who), client};
    try {
      out = match.route->handler(call);
    } catch (const std::exception &e) {
      if (log_) log_(std::string("request failed: ") + e.what());
      out = error_(500, "Internal server error");
    }
  }
  out = with_limits(left, with_cors(r, std::move(out)));
  access(r, out.status, client);
  return out;
}

Response Gateway::with_limits(const RateLimiter::Left &left, Response response) const {
  if (!settings_.rate_limit_headers || left.limit <= 0) return response;
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(left.limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(std::max(0, left.remaining)));
  response.headers.emplace_back("X-RateLimit-Reset", std::to_string(now + left.seconds_until_full));
  return response;
}

Response Gateway::upgrade(const Request &r, SocketHandlers &handlers, OnOpen &on_open) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  Router::Match match;
  std::vector<std::string> segments;
  Identity who;
  std::string client;
  RateLimiter::Left left;
  Response out;
  if (auto refused = admit(r, true, match, segments, who, client, left)) {
    out = std::move(*refused);
  } else {
    const Call call{r, segments, std::move(match.params), std::move(who), client};
    out = match.route->upgrade(call, handlers, on_open);
  }
  access(r, out.status, client);
  return out;
}

Response Gateway::with_cors(const Request &r, Response response) const {
  const std::string_view origin = r.header_view("origin");
  if (!origin.empty() && origin_allowed(r)) {
    response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    response.headers.emplace_back("Vary", "Origin");
  }
  return response;
}

Response Gateway::preflight(const Request &r) {
  std::string why;
  const auto segments = normalize_path(std::string_view(r.target).substr(0, r.target.find('?')), why);
  if (!segments) return error_(400, "Bad path: " + why);
  if (!host_allowed(r)) return error_(421, "Host not served here");
  if (r.header("origin").empty() || !origin_allowed(r)) return error_(403, "Origin not allowed");
  const auto match = router_.match(r.header("access-control-request-method"), *segments, false);
  if (match.allow.empty()) return error_(404, "Not Found");
  return with_cors(r, {204,
                       "",
                       "",
                       {{"Access-Control-Allow-Methods", match.allow + ", OPTIONS"},
                        {"Access-Control-Allow-Headers", "Authorization, Content-Type, X-API-Key, X-Requested-With"},
                        {"Access-Control-Max-Age", "600"}}});
}

void Gateway::access(const Request &r, int status, const std::string &client) const {
  if (!settings_.access_log || !log_) return;
  log_(r.method + " " + redacted_target(r.target) + " " + std::to_string(status) + " " + client);
}

}  // namespace switchboard::server
