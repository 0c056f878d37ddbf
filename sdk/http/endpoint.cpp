#include "switchboard/http/endpoint.hpp"

#include "switchboard/http/url.hpp"

namespace switchboard::http {

Endpoint Endpoint::from(const nlohmann::json &config, std::string_view default_base) {
  Endpoint e;
  e.base_url = config.value("base_url", std::string(default_base));
  e.api_key = config.value("api_key", "");
  if (const auto it = config.find("headers"); it != config.end() && it->is_object()) {
    for (const auto &[name, value] : it->items()) {
      if (value.is_string()) e.headers.push_back({name, value.get<std::string>()});
    }
  }
  e.connect_timeout = std::chrono::milliseconds(config.value("connect_timeout_ms", 5000));
  e.verify_tls = config.value("tls_verify", true);
  e.ca_file = config.value("ca_file", "");
  return e;
}

bool Endpoint::allow_only(const nlohmann::json &config, std::initializer_list<std::string_view> own_keys,
                          sdk::ConfigErrors &errors) {
  std::vector<std::string_view> allowed = {"base_url",           "api_key",    "headers",
                                           "connect_timeout_ms", "tls_verify", "ca_file"};
  allowed.insert(allowed.end(), own_keys.begin(), own_keys.end());
  return sdk::config::allow_only(config, allowed, errors);
}

void Endpoint::validate(const nlohmann::json &config, sdk::ConfigErrors &errors, bool key_required) {
  namespace cfg = sdk::config;
  cfg::expect_string(config, "base_url", errors);
  if (const auto it = config.find("base_url"); it != config.end() && it->is_string()) {
    UrlParts parts;
    if (!split_url(it->get<std::string>(), parts) || (parts.scheme != "http" && parts.scheme != "https")) {
      errors.add("/base_url", "'base_url' must be an http:// or https:// URL");
    }
  }
  cfg::expect_string(config, "api_key", errors, key_required);
  if (const auto it = config.find("api_key");
      key_required && it != config.end() && it->is_string() && it->get<std::string>().empty()) {
    errors.add("/api_key", "'api_key' is empty (is its environment variable set?)");
  }
  if (const auto it = config.find("headers"); it != config.end()) {
    if (!it->is_object()) {
      errors.add("/headers", "'headers' must be a mapping of header names to values");
    } else {
      for (const auto &[name, value] : it->items()) {
        if (!value.is_string()) errors.add("/headers" + cfg::pointer(name), "a header value must be a string");
      }
    }
  }
  cfg::expect_integer(config, "connect_timeout_ms", errors, 1, 600000);
  cfg::expect_bool(config, "tls_verify", errors);
  cfg::expect_string(config, "ca_file", errors);
}

Request Endpoint::request(std::string_view path) const {
  Request r;
  r.url = join_url(base_url, path);
  r.headers = headers;
  r.connect_timeout = connect_timeout;
  r.verify_tls = verify_tls;
  r.ca_file = ca_file;
  if (!api_key.empty()) r.secrets.push_back(api_key);
  return r;
}

}  // namespace switchboard::http
