// transport-voice-api's config block, read and checked: the keys every
// transport shares (switchboard/server/gateway.hpp: cors_origins,
// allowed_hosts, trusted_proxies, access_log, auth, limits) and its own:
//
//   output_format: wav            wav (a browser's decodeAudioData plays it) or pcm16
//   threads: 1                    I/O threads
//   limits:
//     max_audio_bytes: 1048576    one audio message
//     messages_per_second: 100    per WebSocket, with bursts of message_burst: 200
#pragma once

#include <nlohmann/json.hpp>

#include "switchboard/sdk/config.hpp"
#include "switchboard/server/gateway.hpp"
#include "voice_socket.hpp"

namespace voice_api {

struct Settings {
  unsigned threads = 1;
  switchboard::server::GatewaySettings gateway;
  SocketSettings socket;
};

Settings read_settings(const nlohmann::json &config);
void check_settings(const nlohmann::json &config, switchboard::sdk::ConfigErrors &errors);

}  // namespace voice_api
