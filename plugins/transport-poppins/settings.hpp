// transport-poppins's config block: the keys of every transport that speaks
// (switchboard/server/transport_settings.hpp), with the Poppins API's
// values as defaults:
//
//   threads: 1
//   sample_rate: 24000            spoken answers (WAV) and raw PCM16 input, as the API documents
//   limits:
//     max_audio_bytes: 4194304    one decoded audio_data
#pragma once

#include "switchboard/server/transport_settings.hpp"

namespace poppins {

using Settings = switchboard::server::TransportSettings;

inline Settings read_settings(const nlohmann::json &config) {
  Settings documented;
  documented.sample_rate = 24000;
  documented.max_audio_bytes = std::size_t{4} << 20;
  return switchboard::server::read_transport_settings(config, documented);
}

}  // namespace poppins
