// The real switchboard binary serving the Conversational AI API on
// 127.0.0.1 (port 0), beside the native API (its /sessions and /providers
// views), and what the tests of it share.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "conformance/voice_client.hpp"
#include "support/word_errors.hpp"
#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace switchboard::test {

// The embedded default's offline chain with its domain model (PocketSphinx,
// the knowledge base) and a tone for speech: real recognition, fast speech.
inline std::string recognising_providers() {
  return "stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 2, domain_text: "
         "\"" SWITCHBOARD_SOURCE_DIR
         "/config/knowledge/parenting.yaml\", domain_weight: 0.3}}\n"
         "llm:\n  - {name: knowledge-base, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
         "/config/knowledge/parenting.yaml\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 5}}\n";
}

class ConversationalServer : public ServedBinary {
 public:
  explicit ConversationalServer(const std::string &providers, const std::string &transport_config = "{}")
      : ServedBinary(SWITCHBOARD_BINARY,
                     providers +
                         "transports:\n"
                         "  - {name: conversational, plugin: transport-conversational, listen: \"127.0.0.1:0\", "
                         "config: " +
                         transport_config +
                         "}\n"
                         "  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", config: {}}\n") {}
  int port() { return port_of("conversational"); }
  int native_port() { return port_of("voice-api"); }
};

// A client on /ws, greeted (the greeting in `greeting`).
inline std::unique_ptr<WsClient> connect(int port, nlohmann::json *greeting = nullptr) {
  auto ws = std::make_unique<WsClient>(port, "/ws");
  const auto first = ws->next();
  if (!first || (*first)["type"] != "connection_established") {
    ADD_FAILURE() << "no connection_established: " << (first ? first->dump() : ws->last_error());
  } else if (greeting != nullptr) {
    *greeting = *first;
  }
  return ws;
}

// start_conversation answered: the session id, or "".
inline std::string start(WsClient &ws) {
  ws.send_json({{"type", "start_conversation"}});
  const auto started = ws.until("conversation_started");
  return started ? started->value("session_id", "") : "";
}

// 16 kHz samples as the documented input: one WAV file per `ms`, base64,
// after them a second of silence (the speaker stops: the turn ends).
inline std::vector<std::string> wav_chunks(std::vector<std::int16_t> samples, int ms = 100) {
  samples.resize(samples.size() + 16000, 0);
  std::vector<std::string> out;
  const std::size_t step = 16 * static_cast<std::size_t>(ms);
  for (std::size_t at = 0; at < samples.size(); at += step) {
    const std::size_t n = std::min(step, samples.size() - at);
    out.push_back(sdk::base64_encode(sdk::wav_file(samples.data() + at, n, 16000)));
  }
  return out;
}

// As a microphone sends them, at `speed` times real time (`ms` a chunk).
inline void send_chunks(WsClient &ws, const std::vector<std::string> &chunks, int ms = 100, int speed = 5) {
  for (const auto &chunk : chunks) {
    ws.send_json({{"type", "audio_chunk"}, {"audio_data", chunk}});
    std::this_thread::sleep_for(std::chrono::milliseconds(ms / speed));
  }
}

// What a client heard until an ai_response (or an error, or silence).
struct Heard {
  std::vector<nlohmann::json> partials, finals, errors;
  std::optional<nlohmann::json> response;
  std::vector<std::string> types;
};

inline Heard hear_turn(WsClient &ws, std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  Heard h;
  for (int guard = 0; guard < 10000; ++guard) {
    const auto m = ws.next(deadline);
    if (!m) break;
    const std::string type = (*m)["type"];
    h.types.push_back(type);
    if (type == "transcript") ((*m)["is_final"] == true ? h.finals : h.partials).push_back(*m);
    if (type == "error") h.errors.push_back(*m);
    if (type == "ai_response") {
      h.response = *m;
      break;
    }
  }
  return h;
}

// Whether the health route comes to count `n` open connections within 10 s
// (a socket the client closed is released by the server just after; the
// server offers no event for it). The waits double, so the polls stay few
// under this API's 100 requests a minute.
inline bool connections_reach(int port, int n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (auto wait = std::chrono::milliseconds(10); std::chrono::steady_clock::now() < deadline;
       wait = std::min(wait * 2, std::chrono::milliseconds(1000))) {
    if (http_request(port, "GET", "/health").json().value("active_connections", -1) == n) return true;
    std::this_thread::sleep_for(wait);
  }
  return false;
}

// The reference transcript of speech/<stem>.wav.
inline std::string reference_of(const std::string &stem) {
  for (const auto &[name, text] : reference_transcripts()) {
    if (name == stem) return text;
  }
  return "";
}

}  // namespace switchboard::test
