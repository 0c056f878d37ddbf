#include "settings.hpp"

namespace poppins {

namespace cfg = switchboard::sdk::config;

Settings read_settings(const nlohmann::json &c) {
  Settings s;
  s.threads = c.value("threads", 1U);
  s.sample_rate = c.value("sample_rate", 24000U);
  s.gateway = switchboard::server::read_gateway_settings(c);
  s.max_audio_bytes = c.value("limits", nlohmann::json::object()).value("max_audio_bytes", s.max_audio_bytes);
  return s;
}

void check_settings(const nlohmann::json &c, switchboard::sdk::ConfigErrors &errors) {
  switchboard::server::check_gateway_settings(c, errors, {"threads", "sample_rate"}, {"max_audio_bytes"});
  if (!c.is_object()) return;
  cfg::expect_integer(c, "threads", errors, 1, 64);
  cfg::expect_integer(c, "sample_rate", errors, 8000, 48000);
}

}  // namespace poppins
