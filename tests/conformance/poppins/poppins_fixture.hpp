// The real switchboard binary serving the Poppins API on 127.0.0.1 (port
// 0), and what the tests of it share.
#pragma once

#include <gtest/gtest.h>

#include "conformance/sse_client.hpp"
#include "conformance/voice-assistant/server_fixture.hpp"
#include "conformance/voice_client.hpp"
#include "switchboard/sdk/base64.hpp"

namespace switchboard::test {

// Scripted providers whose answer streams one word every `token_ms`.
inline std::string streaming_providers(int token_ms = 0, const std::string &reply = "Here are some gentle ideas.") {
  return "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello there\"]}}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"" +
         reply + "\", token_ms: " + std::to_string(token_ms) +
         "}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n";
}

class PoppinsServer : public ServedBinary {
 public:
  explicit PoppinsServer(const std::string &providers, const std::string &transport_config = "{}")
      : ServedBinary(SWITCHBOARD_BINARY,
                     providers +
                         "transports:\n  - {name: poppins, plugin: transport-poppins, listen: \"127.0.0.1:0\", "
                         "config: " +
                         transport_config + "}\n") {}
};

inline HttpReply post(int port, const std::string &path, const nlohmann::json &body) {
  return http_request(port, "POST", path, body.dump());
}

// A WAV file's format fields: {sample rate, channels, bits}; zeros when the
// bytes are no RIFF/WAVE file.
struct WavFormat {
  std::uint32_t rate = 0;
  std::uint16_t channels = 0, bits = 0;
  std::size_t data_bytes = 0;
};
inline WavFormat wav_format(const std::string &bytes) {
  WavFormat f;
  if (bytes.size() < 44 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) return f;
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
  };
  f.channels = static_cast<std::uint16_t>(u32(22) & 0xFFFF);
  f.rate = u32(24);
  f.bits = static_cast<std::uint16_t>(u32(34) & 0xFFFF);
  f.data_bytes = u32(40);
  return f;
}

inline WavFormat wav_format_b64(const std::string &b64) {
  return wav_format(sdk::base64_decode(b64).value_or(""));
}

inline std::string speech_b64(const std::string &name) {
  const auto bytes = speech_bytes(name);
  return sdk::base64_encode(std::string(bytes.begin(), bytes.end()));
}

}  // namespace switchboard::test
