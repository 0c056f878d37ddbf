// WebSocket /voice/{session_id} against the real binary: a whole voice turn
// from a recording, every server message type, and an interrupt.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace switchboard::test {
namespace {

// Sends PCM16 in 20 ms frames as the document's audio messages, then a
// second of silence so the turn detector hears the utterance end.
void speak(WsClient &ws, const std::string &pcm, bool binary = false) {
  const std::string audio = pcm + std::string(32000, '\0');
  for (std::size_t at = 0; at < audio.size(); at += 640) {
    const std::string frame = audio.substr(at, 640);
    if (binary) {
      ws.send_binary(frame);
    } else {
      ws.send_json({{"type", "audio"}, {"data", base64(frame)}});
    }
  }
}

struct Voice : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<VoiceServer>(offline_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoiceServer> server;
};
std::unique_ptr<VoiceServer> Voice::server;

TEST_F(Voice, AWholeTurnFromARecordingProducesEveryMessageAndEndsListening) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  WsClient ws(server->port(), "/voice/voice-turn-1");
  const auto first = ws.next();
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["type"], "state_change");

  speak(ws, speech_pcm("crying.wav"));
  std::vector<std::string> states;
  std::vector<std::string> types;
  std::string heard;
  std::string answered;
  int audio = 0;
  bool vad_speech = false;
  auto seen = [&](const nlohmann::json &m) {
    const std::string type = m["type"];
    types.push_back(type);
    if (type == "state_change") states.push_back(m["state"]);
    if (type == "vad_status" && m["data"]["is_speech"] == true) vad_speech = true;
    if (type == "transcript_update" && m["data"]["is_final"] == true) {
      EXPECT_TRUE(m["data"]["id"].is_string());
      EXPECT_TRUE(m["data"]["timestamp"].is_number());
      (m["data"]["speaker"] == "user" ? heard : answered) = m["data"]["text"];
    }
    if (type == "audio") {
      ++audio;
      const std::string wav = base64_decode(m["data"]);
      EXPECT_EQ(wav.substr(0, 4), "RIFF");
      EXPECT_EQ(wav.substr(8, 4), "WAVE");
      EXPECT_GT(wav.size(), 44U);
    }
    if (type == "audio_metrics") {
      for (const char *k : {"rms", "peak", "snr_db", "quality_score", "duration_ms"})
        EXPECT_TRUE(m["data"][k].is_number()) << k;
      EXPECT_TRUE(m["data"]["quality_label"].is_string());
      // 0-100, as the API's clients read it; a clean recording scores well.
      EXPECT_GE(m["data"]["quality_score"].get<double>(), 40.0) << m["data"];
      EXPECT_LE(m["data"]["quality_score"].get<double>(), 100.0);
    }
  };
  // The turn ends when the state comes back to listening after speaking.
  for (int guard = 0; guard < 2000; ++guard) {
    const auto m = ws.next(std::chrono::seconds(30));
    ASSERT_TRUE(m) << "the socket went quiet; saw: " << ::testing::PrintToString(types);
    seen(*m);
    if (states.size() >= 2 && states.back() == "listening" &&
        std::find(states.begin(), states.end(), "speaking") != states.end()) {
      break;
    }
  }
  EXPECT_TRUE(vad_speech);
  EXPECT_NE(heard.find("crying"), std::string::npos) << "heard: " << heard;
  EXPECT_FALSE(answered.empty());
  EXPECT_GT(audio, 0);
  EXPECT_NE(std::find(types.begin(), types.end(), "audio_metrics"), types.end());
  const std::vector<std::string> order = {"listening", "thinking", "speaking", "listening"};
  auto it = states.begin();
  for (const auto &s : order) {
    it = std::find(it, states.end(), s);
    ASSERT_NE(it, states.end()) << "states: " << ::testing::PrintToString(states);
  }
  EXPECT_EQ(states.back(), "listening");
}

TEST_F(Voice, BinaryFramesCarryAudioToo) {
  WsClient ws(server->port(), "/voice/voice-binary");
  ASSERT_TRUE(ws.until("state_change"));
  speak(ws, speech_pcm("hello.wav"), true);
  const auto final_transcript = ws.until("transcript_update");
  ASSERT_TRUE(final_transcript);
  EXPECT_EQ((*final_transcript)["data"]["speaker"], "user");
}

TEST_F(Voice, NumberedAudioMessagesAreAcknowledgedWithTheDropCount) {
  WsClient ws(server->port(), "/voice/voice-acks");
  ASSERT_TRUE(ws.until("state_change"));
  const std::string frame(640, '\0');
  for (int seq = 1; seq <= 3; ++seq) ws.send_json({{"type", "audio"}, {"seq", seq}, {"data", base64(frame)}});
  for (int seq = 1; seq <= 3; ++seq) {
    const auto ack = ws.until("audio_ack");
    ASSERT_TRUE(ack);
    EXPECT_EQ((*ack)["seq"], seq) << "acknowledged in order";
    EXPECT_EQ((*ack)["dropped_samples"], 0);
  }
}

TEST_F(Voice, InterruptWhileSpeakingAcknowledgesAndStopsTheAudio) {
  // Slow speech: a tone 60 ms per character, paced in real time.
  VoiceServer slow(offline_providers(60, 20));
  ASSERT_TRUE(slow.ready()) << slow.process().err();
  WsClient ws(slow.port(), "/voice/voice-interrupt");
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "Tell me a bedtime story"}});
  ASSERT_TRUE(ws.until("audio")) << "the answer is being spoken";
  ws.send_json({{"type", "interrupt"}});
  bool acknowledged = false;
  bool listening = false;
  int audio_after_ack = 0;
  while (!(acknowledged && listening)) {
    const auto m = ws.next(std::chrono::seconds(10));
    ASSERT_TRUE(m) << "acknowledged: " << acknowledged << ", listening: " << listening;
    const std::string type = (*m)["type"];
    if (type == "interrupt_ack") {
      EXPECT_EQ((*m)["message"], "Playback stopped");
      acknowledged = true;
    }
    if (type == "state_change" && (*m)["state"] == "listening") listening = true;
    if (type == "audio" && acknowledged) ++audio_after_ack;
  }
  EXPECT_EQ(audio_after_ack, 0) << "no audio after the acknowledgement";
  // Nothing more arrives for this turn; the next turn works.
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  ASSERT_TRUE(ws.until("audio"));
}

}  // namespace
}  // namespace switchboard::test
