// The config keys every transport block shares (gateway.hpp), read and
// checked in one place.
#include <sstream>

#include "switchboard/server/gateway.hpp"

namespace switchboard::server {

namespace cfg = sdk::config;

namespace {

// A list, or one string split at commas ("${env:CORS_ORIGINS}").
std::vector<std::string> list_of(const nlohmann::json &value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto &v : value) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  } else if (value.is_string()) {
    std::istringstream in(value.get<std::string>());
    for (std::string item; std::getline(in, item, ',');) {
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) out.push_back(item);
    }
  }
  return out;
}

bool strings(const nlohmann::json &o) {
  return o.is_string() ||
         (o.is_array() && std::all_of(o.begin(), o.end(), [](const auto &v) { return v.is_string(); }));
}

void check_auth(const nlohmann::json &a, sdk::ConfigErrors &errors) {
  if (!a.is_object()) {
    errors.add("/auth", "'auth' must be a mapping");
    return;
  }
  cfg::allow_only(a, {"enabled", "api_keys", "jwt_secret", "token_ttl_seconds", "issuer", "audience"}, errors, "/auth");
  if (a.contains("enabled") && !a["enabled"].is_boolean() && a["enabled"] != "auto") {
    errors.add("/auth/enabled", "'enabled' must be true, false or auto");
  }
  const std::string at_least = " characters (" + std::to_string(kMinSecretLength) + " or more)";
  if (a.contains("jwt_secret") &&
      (!a["jwt_secret"].is_string() || a["jwt_secret"].get<std::string>().size() < kMinSecretLength)) {
    errors.add("/auth/jwt_secret",
               "'jwt_secret' must be a string of at least " + std::to_string(kMinSecretLength) + " characters");
  }
  for (const char *name : {"issuer", "audience"}) {
    if (a.contains(name) && (!a[name].is_string() || a[name].get<std::string>().empty())) {
      errors.add(std::string("/auth/") + name, cfg::about(name, " must be a non-empty string"));
    }
  }
  cfg::expect_integer(a, "token_ttl_seconds", errors, 1, 30 * 86400);
  if (!a.contains("api_keys")) return;
  const auto &keys = a["api_keys"];
  if (!keys.is_array()) {
    errors.add("/auth/api_keys", "'api_keys' must be a list of {name, key, role}");
    return;
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string at = "/auth/api_keys/" + std::to_string(i);
    const auto &k = keys[i];
    if (!k.is_object() || !k.contains("key") || !k["key"].is_string() ||
        k["key"].get<std::string>().size() < kMinSecretLength) {
      errors.add(at, "an API key needs 'key': a string of at least " + std::to_string(kMinSecretLength) +
                         " characters (openssl rand -hex 32 makes one)");
      continue;
    }
    if (k.contains("role") && k["role"] != "admin" && k["role"] != "user") {
      errors.add(at + "/role", "'role' must be admin or user");
    }
    const std::string name = k.value("name", "key");
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      errors.add(at + "/name", "two API keys are named '" + name + "': tokens name their key");
    }
    names.push_back(name);
  }
}

}  // namespace

GatewaySettings read_gateway_settings(const nlohmann::json &c, GatewaySettings defaults) {
  GatewaySettings s = std::move(defaults);
  if (c.contains("cors_origins")) s.cors_origins = list_of(c["cors_origins"]);
  if (c.contains("allowed_hosts")) s.allowed_hosts = list_of(c["allowed_hosts"]);
  if (c.contains("trusted_proxies")) {
    for (const auto &cidr : list_of(c["trusted_proxies"])) {
      if (auto n = Network::parse(cidr)) s.trusted_proxies.push_back(*n);
    }
  }
  s.access_log = c.value("access_log", false);
  const auto auth = c.value("auth", nlohmann::json::object());
  const auto enabled = auth.value("enabled", nlohmann::json("auto"));
  s.auth_mode = enabled.is_boolean() ? (enabled.get<bool>() ? "on" : "off") : "auto";
  for (const auto &k : auth.value("api_keys", nlohmann::json::array())) {
    s.auth.keys.push_back(
        {k.value("name", "key"), k.value("key", ""), k.value("role", "user") == "admin" ? Role::admin : Role::user});
  }
  s.auth.jwt_secret = auth.value("jwt_secret", "");
  s.auth.token_ttl = std::chrono::seconds(auth.value("token_ttl_seconds", 3600));
  s.auth.issuer = auth.value("issuer", s.auth.issuer);
  s.auth.audience = auth.value("audience", "");
  const auto l = c.value("limits", nlohmann::json::object());
  auto &lim = s.limits;
  lim.max_body_bytes = l.value("max_body_bytes", lim.max_body_bytes);
  lim.max_message_bytes = l.value("max_message_bytes", lim.max_message_bytes);
  lim.max_queue_bytes = l.value("max_queue_bytes", lim.max_queue_bytes);
  lim.max_connections = l.value("max_connections", lim.max_connections);
  lim.max_connections_per_ip = l.value("max_connections_per_ip", lim.max_connections_per_ip);
  lim.max_header_bytes = l.value("max_header_bytes", lim.max_header_bytes);
  lim.handshake_timeout = std::chrono::milliseconds(l.value("handshake_timeout_ms", lim.handshake_timeout.count()));
  lim.idle_timeout = std::chrono::milliseconds(l.value("idle_timeout_ms", lim.idle_timeout.count()));
  s.requests_per_minute = l.value("requests_per_minute", s.requests_per_minute);
  s.max_sessions = l.value("max_sessions", s.max_sessions);
  s.max_sessions_per_subject = l.value("max_sessions_per_subject", s.max_sessions_per_subject);
  s.max_sessions_per_address = l.value("max_sessions_per_address", s.max_sessions_per_address);
  s.messages_per_second_per_subject = l.value("messages_per_second_per_subject", s.messages_per_second_per_subject);
  return s;
}

void check_gateway_settings(const nlohmann::json &c, sdk::ConfigErrors &errors,
                            const std::vector<std::string_view> &extra_keys,
                            const std::vector<std::string_view> &extra_limits) {
  std::vector<std::string_view> keys = {"cors_origins", "allowed_hosts", "trusted_proxies",
                                        "access_log",   "auth",          "limits"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  if (!cfg::allow_only(c, keys, errors)) return;
  for (const char *name : {"cors_origins", "allowed_hosts", "trusted_proxies"}) {
    if (c.contains(name) && !strings(c[name])) {
      errors.add(cfg::pointer(name), cfg::about(name, " must be a list or a comma-separated string"));
    }
  }
  if (c.contains("trusted_proxies") && strings(c["trusted_proxies"])) {
    for (const auto &cidr : list_of(c["trusted_proxies"])) {
      if (!Network::parse(cidr)) errors.add("/trusted_proxies", "'" + cidr + "' is not an address or CIDR network");
    }
  }
  if (c.contains("access_log") && !c["access_log"].is_boolean()) {
    errors.add("/access_log", "'access_log' must be true or false");
  }
  if (const auto it = c.find("auth"); it != c.end()) check_auth(*it, errors);
  if (const auto it = c.find("limits"); it != c.end()) {
    if (!it->is_object()) {
      errors.add("/limits", "'limits' must be a mapping");
      return;
    }
    std::vector<std::string_view> limits = {"max_body_bytes",
                                            "max_message_bytes",
                                            "max_queue_bytes",
                                            "max_connections",
                                            "max_connections_per_ip",
                                            "max_header_bytes",
                                            "handshake_timeout_ms",
                                            "idle_timeout_ms",
                                            "requests_per_minute",
                                            "max_sessions",
                                            "max_sessions_per_subject",
                                            "max_sessions_per_address",
                                            "messages_per_second_per_subject"};
    limits.insert(limits.end(), extra_limits.begin(), extra_limits.end());
    cfg::allow_only(*it, limits, errors, "/limits");
    for (const auto &item : it->items()) {
      const bool known = std::find(limits.begin(), limits.end(), item.key()) != limits.end();
      if (known && (!item.value().is_number() || item.value().get<double>() < 0)) {
        errors.add("/limits" + cfg::pointer(item.key()), "'" + item.key() + "' must be a number >= 0");
      }
    }
  }
}

bool loopback_listener(const std::string &listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace switchboard::server
