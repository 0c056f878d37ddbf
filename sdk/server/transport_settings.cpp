#include "switchboard/server/transport_settings.hpp"

namespace switchboard::server {

namespace cfg = sdk::config;

TransportSettings read_transport_settings(const nlohmann::json &c, TransportSettings defaults) {
  TransportSettings s = std::move(defaults);
  s.threads = c.value("threads", s.threads);
  s.sample_rate = c.value("sample_rate", s.sample_rate);
  s.gateway = read_gateway_settings(c, std::move(s.gateway));
  s.max_audio_bytes = c.value("limits", nlohmann::json::object()).value("max_audio_bytes", s.max_audio_bytes);
  return s;
}

void check_transport_settings(const nlohmann::json &c, sdk::ConfigErrors &errors,
                              const std::vector<std::string_view> &extra_keys) {
  std::vector<std::string_view> keys = {"threads", "sample_rate"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  check_gateway_settings(c, errors, keys, {"max_audio_bytes"});
  if (!c.is_object()) return;
  cfg::expect_integer(c, "threads", errors, 1, 64);
  cfg::expect_integer(c, "sample_rate", errors, 8000, 48000);
}

}  // namespace switchboard::server
