// The config block of a transport that speaks: the gateway's keys
// (gateway.hpp) and the few every such transport has.
//
//   threads: 1                    I/O threads
//   sample_rate: <the API's>      spoken answers (WAV), and what raw PCM16 input is taken to be
//   limits:
//     max_audio_bytes: <the API's>  one decoded audio message
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/sdk/config.hpp"
#include "switchboard/server/gateway.hpp"

namespace switchboard::server {

struct TransportSettings {
  unsigned threads = 1;
  std::uint32_t sample_rate = 16000;
  std::size_t max_audio_bytes = std::size_t{4} << 20;
  GatewaySettings gateway;
};

// The block over `defaults` (the API's documented values).
TransportSettings read_transport_settings(const nlohmann::json &config, TransportSettings defaults);
// `extra_keys`: the transport's own (it checks their values).
void check_transport_settings(const nlohmann::json &config, sdk::ConfigErrors &errors,
                              const std::vector<std::string_view> &extra_keys = {});

}  // namespace switchboard::server
