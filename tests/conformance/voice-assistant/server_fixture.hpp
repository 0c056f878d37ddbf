// The real switchboard binary serving the Voice Assistant API on
// 127.0.0.1 (port 0), with a config a test chooses; stopped with SIGTERM.
#pragma once

#include <gtest/gtest.h>

#include "conformance/voice_client.hpp"
#include "support/scratch.hpp"
#include "support/served_binary.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/wav.hpp"

namespace switchboard::test {

// The offline chain of the embedded default (PocketSphinx, the knowledge
// base) with a tone for speech: real recognition, fast speech.
inline std::string offline_providers(int tone_ms_per_char = 10, int chunk_interval_ms = 0) {
  return std::string("stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 1}}\n") +
         "llm:\n  - {name: knowledge-base, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
         "/config/knowledge/parenting.yaml\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: " +
         std::to_string(tone_ms_per_char) + ", chunk_interval_ms: " + std::to_string(chunk_interval_ms) +
         "}}\n"
         "cache: {plugin: cache-memory}\n";
}

// Scripted providers: no models to load.
inline std::string scripted_providers() {
  return "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello there\"]}}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Hi! How can I help you today?\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 10}}\n"
         "cache: {plugin: cache-memory}\n";
}

// The binary with these providers and transport-voice-api (its config block
// given as YAML flow text).
class VoiceServer : public ServedBinary {
 public:
  explicit VoiceServer(const std::string &providers, const std::string &transport_config = "{}",
                       const std::map<std::string, std::string> &env = {})
      : ServedBinary(SWITCHBOARD_BINARY,
                     providers +
                         "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", "
                         "config: " +
                         transport_config + "}\n",
                     env) {}
};

// A recording's samples as PCM16 bytes (16 kHz mono).
inline std::string speech_pcm(const std::string &name) {
  const auto samples = speech_samples(name);
  return sdk::pcm_bytes(samples.data(), samples.size());
}

}  // namespace switchboard::test
