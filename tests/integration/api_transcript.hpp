// What the native API heard, and what PocketSphinx's own command-line
// decoder hears, for the recognition tests; and the server they share.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "conformance/voice_client.hpp"
#include "support/process.hpp"
#include "support/word_errors.hpp"

namespace switchboard::test {

// PocketSphinx for speech, the rest scripted and fast.
inline std::string recognition_providers(int decoders = 2) {
  return "stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: " + std::to_string(decoders) +
         "}}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Okay.\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n";
}

// pocketsphinx_continuous on a WAV file: its words, joined.
inline std::string cli_transcript(const std::string &wav) {
  const auto r = run("/usr/bin/pocketsphinx_continuous", {"-infile", wav, "-logfn", "/dev/null"});
  std::string out;
  for (const auto &w : words_of(r.out)) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Binary messages sent one every `message_us` microseconds of audio at five
// times real time, the stream ended, and the user's final transcripts joined
// until the last one has been answered.
inline std::string api_transcript_of(int port, const std::string &session, const std::vector<std::string> &messages,
                                     std::int64_t message_us) {
  WsClient ws(port, "/voice/" + session);
  if (!ws.until("state_change")) return "";
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ws.send_binary(messages[i]);
    std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<std::int64_t>(i + 1) * message_us / 5));
  }
  ws.send_json({{"type", "audio_end"}});
  std::string heard;
  // Every utterance is answered (the state comes back to listening): the
  // recording is over when an answer has finished after words were heard,
  // or, for one in which nothing is heard, after 30 s of messages.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < give_up) {
    const auto m = ws.next(std::chrono::seconds(15));
    if (!m) break;
    const std::string type = (*m)["type"];
    if (type == "transcript_update" && (*m)["data"]["is_final"] == true && (*m)["data"]["speaker"] == "user") {
      if (!heard.empty()) heard += ' ';
      heard += (*m)["data"]["text"].get<std::string>();
    }
    if (type == "state_change" && (*m)["state"] == "listening" && !heard.empty()) break;
  }
  return heard;
}

// `bytes` cut into messages of `size` bytes.
inline std::vector<std::string> cut(const std::string &bytes, std::size_t size) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < bytes.size(); at += size) out.push_back(bytes.substr(at, size));
  return out;
}

// A recording's PCM16 bytes at 16 kHz in 20 ms binary frames.
inline std::string api_transcript(int port, const std::string &session, const std::string &pcm) {
  return api_transcript_of(port, session, cut(pcm, 640), 20000);
}

}  // namespace switchboard::test
