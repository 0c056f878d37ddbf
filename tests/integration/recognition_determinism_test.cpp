// The same recording gives the same words through the native API whatever
// the way it arrives: one message or many, 500-byte pieces or 20 ms frames,
// real time or five times faster, JSON or binary frames, on a decoder that
// heard other people first, beside other sessions talking.
#include <future>
#include <set>
#include <thread>

#include "conformance/voice-assistant/server_fixture.hpp"

namespace switchboard::test {
namespace {

// Two decoders for three sessions at once: the third waits for one. Its
// wait is unbounded here (max_wait_ms, ten minutes): this test is about the
// words, and a stream that gave up waiting on a busy machine would fail as
// stt_failed, which is the wait limit's behaviour (stt_pocketsphinx_test),
// not a recognition difference.
std::string providers() {
  return "stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 2, max_wait_ms: 600000}}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Okay.\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 5}}\n";
}

struct Way {
  std::string name;
  std::size_t piece_bytes;  // 0: the whole recording in one message
  double speed;             // 1: real time
  bool binary;
};

// A recording and a second of silence after it, sent one way; the final
// transcript the server reports.
std::string transcript(int port, const std::string &session, const std::string &pcm, const Way &way) {
  WsClient ws(port, "/voice/" + session);
  if (!ws.until("state_change")) return "(no session)";
  const std::size_t piece = way.piece_bytes == 0 ? pcm.size() : way.piece_bytes;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < pcm.size(); at += piece) {
    const std::string bytes = pcm.substr(at, piece);
    if (way.binary) {
      ws.send_binary(bytes);
    } else {
      ws.send_json({{"type", "audio"}, {"data", base64(bytes)}});
    }
    // Paced by the audio's own clock (32 bytes a millisecond), scaled.
    const auto due = start + std::chrono::microseconds(static_cast<long>((at + piece) * 1000 / 32 / way.speed));
    std::this_thread::sleep_until(due);
  }
  for (int guard = 0; guard < 500; ++guard) {
    // A bound, not a pace: beside two other sessions on two decoders, a
    // loaded machine takes well over 20 s to reach this one's final.
    const auto m = ws.next(std::chrono::seconds(120));
    if (!m) return "(nothing heard)";
    if ((*m)["type"] == "error") return "(error: " + m->dump() + ")";
    if ((*m)["type"] == "transcript_update" && (*m)["data"]["is_final"] == true && (*m)["data"]["speaker"] == "user") {
      return (*m)["data"]["text"];
    }
  }
  return "(no final)";
}

std::string with_silence(const std::string &name) {
  return speech_pcm(name) + std::string(16000 * 2, '\0');
}

TEST(RecognitionDeterminism, OneRecordingTenWaysGivesOneTranscript) {
  // Two decoders: which one takes an utterance, and what it decoded before,
  // varies from one way to the next.
  VoiceServer server(providers(), "{limits: {messages_per_second: 0}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  const std::string pcm = with_silence("sleep.wav");
  const std::vector<Way> ways = {
      {"whole, JSON", 0, 1, false},
      {"whole, binary", 0, 1, true},
      {"500-byte pieces, real time", 500, 1, true},
      {"500-byte pieces, 5x", 500, 5, true},
      {"20 ms frames, real time", 640, 1, false},
      {"20 ms frames, 5x", 640, 5, false},
      {"20 ms binary frames, 5x", 640, 5, true},
      {"1000-byte pieces, 5x", 1000, 5, true},
  };
  std::vector<std::pair<std::string, std::string>> heard;
  for (std::size_t i = 0; i < ways.size(); ++i) {
    heard.emplace_back(ways[i].name, transcript(port, "same-" + std::to_string(i), pcm, ways[i]));
  }
  // Interleaved: other people on other sessions at the same time, so the
  // decoders hear them before and after this recording.
  for (int round = 0; round < 2; ++round) {
    auto a = std::async(std::launch::async, [&] {
      return transcript(port, "other-a" + std::to_string(round), with_silence("weather.wav"), {"", 640, 5, true});
    });
    auto b = std::async(std::launch::async, [&] {
      return transcript(port, "other-b" + std::to_string(round), with_silence("crying.wav"), {"", 500, 5, true});
    });
    heard.emplace_back("beside two other sessions, round " + std::to_string(round),
                       transcript(port, "beside-" + std::to_string(round), pcm, {"", 640, 5, true}));
    a.get();
    b.get();
  }
  ASSERT_EQ(heard.size(), 10U);
  std::set<std::string> distinct;
  for (const auto &[way, text] : heard) distinct.insert(text);
  EXPECT_EQ(distinct.size(), 1U) << ::testing::PrintToString(heard);
  EXPECT_NE(heard.front().second.find("sleep"), std::string::npos) << heard.front().second;
}

}  // namespace
}  // namespace switchboard::test
