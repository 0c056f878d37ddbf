// The real switchboard binary serving the Voxtral + Orpheus API on
// 127.0.0.1 (port 0), beside the native API (its /providers controls), and
// what the tests of it share.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "conformance/poppins/poppins_fixture.hpp"
#include "conformance/voice-assistant/server_fixture.hpp"
#include "conformance/voice_client.hpp"
#include "support/word_errors.hpp"

namespace switchboard::test {

// Flite answers to the API's voice names through its voice_map.
inline const char *kFliteVoices =
    "  - {name: flite, plugin: tts-flite, config: {voice: slt}, voice_map: {tara: slt, leo: rms, dan: awb}}\n";

// PocketSphinx with the domain model, the knowledge base, flite.
inline std::string voxtral_providers() {
  return std::string("stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 2, domain_text: \"") +
         SWITCHBOARD_SOURCE_DIR
         "/config/knowledge/parenting.yaml\", domain_weight: 0.3}}\n"
         "llm:\n  - {name: knowledge-base, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
         "/config/knowledge/parenting.yaml\"}}\n"
         "tts:\n" +
         kFliteVoices;
}

// Scripted recognition and answers, flite's voices.
inline std::string scripted_voxtral_providers(const std::string &tts = kFliteVoices) {
  return "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello there\"]}}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Hello! I am doing well.\"}}\n"
         "tts:\n" +
         tts;
}

class VoxtralServer : public ServedBinary {
 public:
  explicit VoxtralServer(const std::string &providers, const std::string &transport_config = "{}")
      : ServedBinary(SWITCHBOARD_BINARY,
                     providers +
                         "transports:\n"
                         "  - {name: voxtral, plugin: transport-voxtral, listen: \"127.0.0.1:0\", config: " +
                         transport_config +
                         "}\n"
                         "  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", config: {}}\n") {}
  int port() { return port_of("voxtral"); }
  int native_port() { return port_of("voice-api"); }
};

// A client on /ws/<id> (with a query, if any), past the welcome (returned
// in `welcome`).
inline std::unique_ptr<WsClient> connect(int port, const std::string &id, nlohmann::json *welcome = nullptr,
                                         const std::string &query = "") {
  auto ws = std::make_unique<WsClient>(port, "/ws/" + id + query);
  const auto first = ws->next();
  if (!first || (*first)["type"] != "system") {
    ADD_FAILURE() << "no welcome: " << (first ? first->dump() : ws->last_error());
  } else if (welcome != nullptr) {
    *welcome = *first;
  }
  return ws;
}

// Messages until one whose type is in `last` (returned), the others in `seen`.
inline std::optional<nlohmann::json> until_any(WsClient &ws, const std::vector<std::string> &last,
                                               std::vector<nlohmann::json> *seen = nullptr,
                                               std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  for (int guard = 0; guard < 1000; ++guard) {
    auto m = ws.next(deadline);
    if (!m) return std::nullopt;
    if (std::find(last.begin(), last.end(), (*m)["type"].get<std::string>()) != last.end()) return m;
    if (seen != nullptr) seen->push_back(*m);
  }
  return std::nullopt;
}

// A recording with a second of silence after it, as a WAV file in base64.
inline std::string spoken_wav_b64(const std::string &name) {
  auto samples = speech_samples(name);
  samples.resize(samples.size() + 16000, 0);
  return sdk::base64_encode(sdk::wav_file(samples.data(), samples.size(), 16000));
}

inline std::string reference_text(const std::string &stem) {
  for (const auto &[name, text] : reference_transcripts()) {
    if (name == stem) return text;
  }
  return "";
}

}  // namespace switchboard::test
