// transport-poppins's config block, read and checked: the keys every
// transport shares (switchboard/server/gateway.hpp) and its own:
//
//   threads: 1                    I/O threads
//   sample_rate: 24000            spoken answers (WAV) and raw PCM16 input, as the API documents
//   limits:
//     max_audio_bytes: 4194304    one decoded audio_data
#pragma once

#include <nlohmann/json.hpp>

#include "switchboard/sdk/config.hpp"
#include "switchboard/server/gateway.hpp"

namespace poppins {

struct Settings {
  unsigned threads = 1;
  std::uint32_t sample_rate = 24000;
  std::size_t max_audio_bytes = std::size_t{4} << 20;
  switchboard::server::GatewaySettings gateway;
};

Settings read_settings(const nlohmann::json &config);
void check_settings(const nlohmann::json &config, switchboard::sdk::ConfigErrors &errors);

}  // namespace poppins
