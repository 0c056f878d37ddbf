#include "settings.hpp"

namespace voice_api {

namespace cfg = switchboard::sdk::config;

Settings read_settings(const nlohmann::json &c) {
  Settings s;
  s.threads = c.value("threads", 1U);
  s.gateway = switchboard::server::read_gateway_settings(c);
  s.socket.output_format = c.value("output_format", "wav");
  const auto l = c.value("limits", nlohmann::json::object());
  s.socket.messages_per_second = l.value("messages_per_second", 100.0);
  s.socket.message_burst = l.value("message_burst", 200.0);
  s.socket.max_audio_bytes = l.value("max_audio_bytes", std::size_t{1} << 20);
  return s;
}

void check_settings(const nlohmann::json &c, switchboard::sdk::ConfigErrors &errors) {
  switchboard::server::check_gateway_settings(c, errors, {"output_format", "threads"},
                                              {"max_audio_bytes", "messages_per_second", "message_burst"});
  if (!c.is_object()) return;
  if (c.contains("output_format") && c["output_format"] != "wav" && c["output_format"] != "pcm16") {
    errors.add("/output_format", "'output_format' must be wav or pcm16");
  }
  cfg::expect_integer(c, "threads", errors, 1, 64);
}

}  // namespace voice_api
