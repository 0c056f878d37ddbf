#include "settings.hpp"

#include <sstream>

namespace voice_api {

namespace cfg = switchboard::sdk::config;

namespace {

std::vector<std::string> origins_of(const nlohmann::json &value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto &v : value) out.push_back(v.get<std::string>());
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

}  // namespace

Settings read_settings(const nlohmann::json &c) {
  Settings s;
  s.threads = c.value("threads", 1U);
  s.socket.output_format = c.value("output_format", "wav");
  if (c.contains("cors_origins")) s.cors_origins = origins_of(c["cors_origins"]);
  const auto auth = c.value("auth", nlohmann::json::object());
  const auto enabled = auth.value("enabled", nlohmann::json("auto"));
  s.auth_mode = enabled.is_boolean() ? (enabled.get<bool>() ? "on" : "off") : "auto";
  for (const auto &k : auth.value("api_keys", nlohmann::json::array())) {
    s.auth.keys.push_back(
        {k.value("name", "key"), k.value("key", ""), k.value("role", "user") == "admin" ? Role::admin : Role::user});
  }
  s.auth.jwt_secret = auth.value("jwt_secret", "");
  s.auth.token_ttl = std::chrono::seconds(auth.value("token_ttl_seconds", 3600));
  const auto l = c.value("limits", nlohmann::json::object());
  auto &lim = s.limits;
  lim.max_body_bytes = l.value("max_body_bytes", lim.max_body_bytes);
  lim.max_message_bytes = l.value("max_message_bytes", lim.max_message_bytes);
  lim.max_queue_bytes = l.value("max_queue_bytes", lim.max_queue_bytes);
  lim.max_connections = l.value("max_connections", lim.max_connections);
  lim.max_connections_per_ip = l.value("max_connections_per_ip", lim.max_connections_per_ip);
  lim.handshake_timeout = std::chrono::milliseconds(l.value("handshake_timeout_ms", 10000));
  lim.idle_timeout = std::chrono::milliseconds(l.value("idle_timeout_ms", 120000));
  s.requests_per_minute = l.value("requests_per_minute", 600.0);
  s.socket.messages_per_second = l.value("messages_per_second", 100.0);
  s.socket.message_burst = l.value("message_burst", 200.0);
  s.socket.max_audio_bytes = l.value("max_audio_bytes", std::size_t{1} << 20);
  return s;
}

void check_settings(const nlohmann::json &c, switchboard::sdk::ConfigErrors &errors) {
  if (!cfg::allow_only(c, {"output_format", "threads", "cors_origins", "auth", "limits"}, errors)) return;
  if (c.contains("output_format") && c["output_format"] != "wav" && c["output_format"] != "pcm16") {
    errors.add("/output_format", "'output_format' must be wav or pcm16");
  }
  cfg::expect_integer(c, "threads", errors, 1, 64);
  if (c.contains("cors_origins")) {
    const auto &o = c["cors_origins"];
    const bool strings =
        o.is_string() || (o.is_array() && std::all_of(o.begin(), o.end(), [](const auto &v) { return v.is_string(); }));
    if (!strings) errors.add("/cors_origins", "'cors_origins' must be a list of origins or a comma-separated string");
  }
  if (const auto it = c.find("auth"); it != c.end()) {
    const auto &a = *it;
    if (!a.is_object()) {
      errors.add("/auth", "'auth' must be a mapping");
    } else {
      cfg::allow_only(a, {"enabled", "api_keys", "jwt_secret", "token_ttl_seconds"}, errors, "/auth");
      if (a.contains("enabled") && !a["enabled"].is_boolean() && a["enabled"] != "auto") {
        errors.add("/auth/enabled", "'enabled' must be true, false or auto");
      }
      if (a.contains("jwt_secret") &&
          (!a["jwt_secret"].is_string() || a["jwt_secret"].get<std::string>().size() < 16)) {
        errors.add("/auth/jwt_secret", "'jwt_secret' must be a string of at least 16 characters");
      }
      cfg::expect_integer(a, "token_ttl_seconds", errors, 1, 30 * 86400);
      if (a.contains("api_keys")) {
        const auto &keys = a["api_keys"];
        if (!keys.is_array()) {
          errors.add("/auth/api_keys", "'api_keys' must be a list of {name, key, role}");
        } else {
          for (std::size_t i = 0; i < keys.size(); ++i) {
            const std::string at = "/auth/api_keys/" + std::to_string(i);
            const auto &k = keys[i];
            if (!k.is_object() || !k.contains("key") || !k["key"].is_string() ||
                k["key"].get<std::string>().size() < 8) {
              errors.add(at, "an API key needs 'key': a string of at least 8 characters");
            }
            if (k.is_object() && k.contains("role") && k["role"] != "admin" && k["role"] != "user") {
              errors.add(at + "/role", "'role' must be admin or user");
            }
          }
        }
      }
    }
  }
  if (const auto it = c.find("limits"); it != c.end()) {
    if (!it->is_object()) {
      errors.add("/limits", "'limits' must be a mapping");
      return;
    }
    static const std::vector<std::string_view> kKeys = {
        "max_body_bytes",      "max_message_bytes",      "max_audio_bytes",      "max_queue_bytes",
        "max_connections",     "max_connections_per_ip", "handshake_timeout_ms", "idle_timeout_ms",
        "requests_per_minute", "messages_per_second",    "message_burst"};
    cfg::allow_only(*it, kKeys, errors, "/limits");
    for (const auto &item : it->items()) {
      const bool known = std::find(kKeys.begin(), kKeys.end(), item.key()) != kKeys.end();
      if (known && (!item.value().is_number() || item.value().get<double>() < 0)) {
        errors.add("/limits" + cfg::pointer(item.key()), "'" + item.key() + "' must be a number >= 0");
      }
    }
  }
}

bool loopback(const std::string &listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace voice_api
