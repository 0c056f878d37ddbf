// What the native API heard, and what PocketSphinx's own command-line
// decoder hears, for the recognition tests; and the server they share.
#pragma once

#include <chrono>
#include <string>
#include <thread>

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

// A recording's PCM16 bytes sent in 20 ms binary frames at five times real
// time, the stream ended, and the user's final transcripts joined until the
// last one has been answered.
inline std::string api_transcript(int port, const std::string &session, const std::string &pcm) {
  WsClient ws(port, "/voice/" + session);
  if (!ws.until("state_change")) return "";
  constexpr std::size_t kFrame = 640;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < pcm.size(); at += kFrame) {
    ws.send_binary(pcm.substr(at, kFrame));
    // Paced by the audio's own clock (32 bytes a millisecond), five times faster.
    std::this_thread::sleep_until(start + std::chrono::microseconds((at + kFrame) * 1000 / 32 / 5));
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
      heard += (heard.empty() ? "" : " ") + (*m)["data"]["text"].get<std::string>();
    }
    if (type == "state_change" && (*m)["state"] == "listening" && !heard.empty()) break;
  }
  return heard;
}

}  // namespace switchboard::test
