// The real switchboard binary serving the YouWorker.AI API on 127.0.0.1
// (port 0), beside the native API, and what the tests of it share.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "conformance/poppins/poppins_fixture.hpp"
#include "conformance/sse_client.hpp"
#include "conformance/voice-assistant/server_fixture.hpp"
#include "support/word_errors.hpp"

namespace switchboard::test {

// Scripted answers (two llm providers, so `model` has a choice), flite.
inline std::string youworker_providers(const std::string &stt =
                                           "{name: scripted, plugin: stt-scripted, config: {transcripts: "
                                           "[\"hello there\"]}}") {
  return "stt:\n  - " + stt +
         "\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Hello there! How can I help you today?\", "
         "token_ms: 5}}\n"
         "  - {name: backup, plugin: llm-scripted, config: {reply: \"Backup here.\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n";
}

// PocketSphinx with the domain model, for voice turns.
inline std::string youworker_recognising_providers() {
  return youworker_providers(std::string("{name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 1, "
                                         "domain_text: \"") +
                             SWITCHBOARD_SOURCE_DIR "/config/knowledge/parenting.yaml\", domain_weight: 0.3}}");
}

class YouWorkerServer : public ServedBinary {
 public:
  explicit YouWorkerServer(const std::string &providers, const std::string &transport_config = "{}",
                           const std::map<std::string, std::string> &env = {}, const std::string &native_config = "{}")
      : ServedBinary(SWITCHBOARD_BINARY,
                     providers +
                         "transports:\n"
                         "  - {name: youworker, plugin: transport-youworker, listen: \"127.0.0.1:0\", config: " +
                         transport_config +
                         "}\n"
                         "  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", config: " +
                         native_config + "}\n",
                     env) {}
  int port() { return port_of("youworker"); }
  int native_port() { return port_of("voice-api"); }
};

inline HttpReply post_json(int port, const std::string &path, const nlohmann::json &body,
                           std::map<std::string, std::string> headers = {}) {
  headers.emplace("Content-Type", "application/json");
  return http_request(port, "POST", path, body.dump(), headers);
}

// The one entry of a 422's detail list.
inline nlohmann::json only_problem(const HttpReply &r) {
  const auto body = r.json();
  if (r.status != 422 || !body["detail"].is_array() || body["detail"].size() != 1) {
    ADD_FAILURE() << r.status << " " << r.body;
    return nullptr;
  }
  return body["detail"][0];
}

}  // namespace switchboard::test
