// The connection settings every HTTP provider plugin takes from its config
// block, validated the same way everywhere:
//
//   base_url: https://api.openai.com/v1   the service (or a compatible server)
//   api_key: ${env:OPENAI_API_KEY}         never logged, never in an error
//   headers: {OpenAI-Organization: org-1}  extra request headers
//   connect_timeout_ms: 5000
//   tls_verify: true                       false only for a trusted private server
//   ca_file: /etc/ssl/private-ca.pem       trust this CA instead of the system's
#pragma once

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/http/request.hpp"
#include "switchboard/sdk/config.hpp"

namespace switchboard::http {

struct Endpoint {
  std::string base_url;
  std::string api_key;
  std::vector<Header> headers;
  std::chrono::milliseconds connect_timeout{5000};
  bool verify_tls = true;
  std::string ca_file;

  // Reads the settings above; base_url falls back to `default_base`.
  static Endpoint from(const nlohmann::json &config, std::string_view default_base);

  // Reports every key that is neither one of the settings above nor one of
  // the plugin's own. False if the block is not a mapping.
  static bool allow_only(const nlohmann::json &config, std::initializer_list<std::string_view> own_keys,
                         sdk::ConfigErrors &errors);

  // Checks the settings above. `key_required`: the service needs a key.
  static void validate(const nlohmann::json &config, sdk::ConfigErrors &errors, bool key_required);

  // A request to base_url + path with the extra headers, TLS settings and
  // the key registered as a secret; the caller adds the auth header its
  // service wants.
  Request request(std::string_view path) const;
};

}  // namespace switchboard::http
