// The real switchboard binary serving the Voice Assistant API on
// 127.0.0.1 (port 0), with a config a test chooses; stopped with SIGTERM.
#pragma once

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>

#include <unistd.h>

#include <gtest/gtest.h>

#include "conformance/voice_client.hpp"
#include "support/process.hpp"

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

class VoiceServer {
 public:
  explicit VoiceServer(const std::string &providers, const std::string &transport_config = "{}",
                       const std::map<std::string, std::string> &env = {}) {
    static int made = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("sb-voice-api-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    std::filesystem::create_directories(dir_);
    config_ = dir_ / "switchboard.yaml";
    std::ofstream(config_) << providers
                           << "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: "
                              "\"127.0.0.1:0\", config: "
                           << transport_config << "}\n";
    process_ =
        std::make_unique<Process>(SWITCHBOARD_BINARY, std::vector<std::string>{"--config", config_.string()}, env);
    const auto line = process_->wait_for("listening on 127\\.0\\.0\\.1:[0-9]+");
    std::smatch m;
    static const std::regex port_re(":([0-9]+)$");
    if (std::regex_search(line, m, port_re)) port_ = std::stoi(m[1]);
    ready_ = !process_->wait_for("switchboard ready").empty();
  }
  ~VoiceServer() {
    process_->signal(SIGTERM);
    process_->wait();
    std::filesystem::remove_all(dir_);
  }

  int port() const noexcept { return port_; }
  bool ready() const noexcept { return ready_ && port_ > 0; }
  Process &process() { return *process_; }
  const std::filesystem::path &config() const noexcept { return config_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path config_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
  bool ready_ = false;
};

// The samples of a 16 kHz mono s16 WAV as PCM bytes (the data chunk).
inline std::string wav_pcm(const std::string &file) {
  const std::string wav = read_file(file);
  std::size_t at = 12;
  while (at + 8 <= wav.size()) {
    const std::uint32_t size = static_cast<unsigned char>(wav[at + 4]) | static_cast<unsigned char>(wav[at + 5]) << 8 |
                               static_cast<unsigned char>(wav[at + 6]) << 16 |
                               static_cast<std::uint32_t>(static_cast<unsigned char>(wav[at + 7])) << 24;
    if (wav.compare(at, 4, "data") == 0) return wav.substr(at + 8, size);
    at += 8 + size + (size & 1);
  }
  return {};
}

inline std::string speech_file(const std::string &name) {
  return std::string(SWITCHBOARD_TESTDATA_DIR) + "/speech/" + name;
}

}  // namespace switchboard::test
