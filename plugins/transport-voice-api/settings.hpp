// transport-voice-api's config block, read and checked.
//
//   output_format: wav            wav (a browser's decodeAudioData plays it) or pcm16
//   threads: 1                    I/O threads
//   cors_origins: [http://localhost:3000]   allowed browser origins (CORS and WebSockets);
//                                 a string is split at commas ("${env:CORS_ORIGINS}")
//   auth:
//     enabled: auto               auto: on unless listening on loopback
//     api_keys: [{name: ops, key: "${env:SB_ADMIN_KEY}", role: admin}]
//     jwt_secret: ${env:SB_JWT_SECRET}   signs /auth/token's tokens (random per process if unset)
//     token_ttl_seconds: 3600
//   limits:
//     max_body_bytes: 1048576     max_message_bytes: 4194304   max_audio_bytes: 1048576
//     max_queue_bytes: 8388608    max_connections: 10000       max_connections_per_ip: 1000
//     handshake_timeout_ms: 10000 idle_timeout_ms: 120000
//     requests_per_minute: 600    per client address (REST), and per API key or token
//     messages_per_second: 100    per WebSocket, with bursts of message_burst: 200
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth.hpp"
#include "switchboard/sdk/config.hpp"
#include "switchboard/server/server.hpp"
#include "voice_socket.hpp"

namespace voice_api {

struct Settings {
  unsigned threads = 1;
  std::vector<std::string> cors_origins = {"http://localhost:3000"};
  std::string auth_mode = "auto";  // auto, on, off
  AuthSettings auth;
  switchboard::server::Limits limits;
  double requests_per_minute = 600;
  SocketSettings socket;
};

Settings read_settings(const nlohmann::json &config);
void check_settings(const nlohmann::json &config, switchboard::sdk::ConfigErrors &errors);

// Whether "host:port" listens on a loopback address only.
bool loopback(const std::string &listen);

}  // namespace voice_api
