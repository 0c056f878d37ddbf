// WebSocket /ws/{session_id} against the real binary: the welcome, a voice
// turn from a recording (WAV and a MediaRecorder's WebM/Opus), a text turn
// in a chosen voice, the status messages and status_response, the auth
// message, and the text_response fallback when no tts provider can speak.
#include <gtest/gtest.h>

#include "support/webm_opus.hpp"
#include "voxtral_fixture.hpp"

namespace switchboard::test {
namespace {

struct VoxtralVoice : ::testing::Test {
  static void SetUpTestSuite() {
    server = std::make_unique<VoxtralServer>(voxtral_providers(), "{default_voice: tara}");
  }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoxtralServer> server;
};
std::unique_ptr<VoxtralServer> VoxtralVoice::server;

void expect_spoken_answer(const nlohmann::json &r) {
  EXPECT_NE(r["text"].get<std::string>().find("hunger"), std::string::npos) << "the knowledge base's answer: " << r;
  const auto wav = wav_format_b64(r["audio"]);
  EXPECT_EQ(wav.rate, 24000U);
  EXPECT_EQ(wav.channels, 1);
  EXPECT_EQ(wav.bits, 16);
  EXPECT_GT(wav.data_bytes, 48000U) << "over a second of speech";
  for (const char *t : {"processing_time", "tts_time", "total_time"}) {
    const std::string v = r[t];
    EXPECT_TRUE(v.ends_with("s") && std::stod(v) >= 0) << t << ": " << v;
  }
  EXPECT_GE(std::stod(r["total_time"].get<std::string>()), std::stod(r["tts_time"].get<std::string>()));
}

TEST_F(VoxtralVoice, TheWelcomeNamesTheSessionAndTheVoices) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  nlohmann::json welcome;
  auto ws = connect(server->port(), "session_abc123", &welcome);
  EXPECT_EQ(welcome["message"], "🎤 Connected! Ready to assist you with voice or text.");
  EXPECT_EQ(welcome["session_id"], "session_abc123");
  EXPECT_EQ(welcome["available_voices"], http_request(server->port(), "GET", "/api/voices").json()["voices"]);
}

TEST_F(VoxtralVoice, ARecordingIsHeardAnsweredAndSpokenWithTheStatusesInOrder) {
  auto ws = connect(server->port(), "voice-wav-1", nullptr, "?status_updates=true");
  ws->send_json({{"type", "audio"}, {"audio", spoken_wav_b64("crying.wav")}, {"voice", "tara"}, {"timestamp", 1}});
  std::vector<nlohmann::json> before;
  const auto r = until_any(*ws, {"audio_response", "error"}, &before);
  ASSERT_TRUE(r);
  ASSERT_EQ((*r)["type"], "audio_response") << *r;
  EXPECT_EQ((*r)["transcript"], reference_text("crying"));
  EXPECT_EQ((*r)["voice"], "tara");
  expect_spoken_answer(*r);
  std::vector<std::string> statuses;
  for (const auto &m : before) {
    if (m["type"] == "status") statuses.push_back(m["message"]);
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"processing_audio", "generating_speech"}));
  const auto ready = ws->next();
  ASSERT_TRUE(ready);
  EXPECT_EQ(*ready, (nlohmann::json{{"type", "status"}, {"message", "ready"}}));
}

TEST_F(VoxtralVoice, AMediaRecordersWebmIsHeardAsTheWavIs) {
  auto samples = speech_samples("crying.wav");
  samples.resize(samples.size() + 16000, 0);
  std::string error;
  const std::string webm = webm_opus(samples, 16000, 128000, error);
  ASSERT_FALSE(webm.empty()) << error;
  auto ws = connect(server->port(), "voice-webm-1");
  ws->send_json({{"type", "audio"}, {"audio", sdk::base64_encode(webm)}});
  const auto r = until_any(*ws, {"audio_response", "error"});
  ASSERT_TRUE(r);
  ASSERT_EQ((*r)["type"], "audio_response") << *r;
  EXPECT_LE(word_errors(words_of(reference_text("crying")), words_of((*r)["transcript"])), 1U) << *r;
  expect_spoken_answer(*r);
}

// flite's voices sound different: the same answer in two voices is two
// different recordings, and the one asked for is named.
TEST_F(VoxtralVoice, ATextTurnIsSpokenInTheVoiceItAsksFor) {
  auto ws = connect(server->port(), "voice-choice");
  std::map<std::string, std::size_t> audio;  // bytes of speech
  for (const char *voice : {"tara", "leo", "rms"}) {
    ws->send_json({{"type", "text"}, {"text", "How do I stop my baby crying?"}, {"voice", voice}});
    const auto r = until_any(*ws, {"audio_response", "error"});
    ASSERT_TRUE(r);
    ASSERT_EQ((*r)["type"], "audio_response") << *r;
    EXPECT_EQ((*r)["voice"], voice);
    audio[voice] = wav_format_b64((*r)["audio"]).data_bytes;
  }
  EXPECT_NE(audio["tara"], audio["leo"]) << "leo is flite's rms, tara its slt: they speak at different paces";
  EXPECT_EQ(audio["leo"], audio["rms"]) << "a name and the voice it maps to are the same voice";
}

TEST_F(VoxtralVoice, AnUnknownVoiceAnswersInTheDefaultAndWarnsAfter) {
  auto ws = connect(server->port(), "voice-unknown");
  ws->send_json({{"type", "text"}, {"text", "Tell me a story"}, {"voice", "zoe"}});
  const auto r = ws->next(std::chrono::seconds(60));
  ASSERT_TRUE(r);
  ASSERT_EQ((*r)["type"], "audio_response") << "the answer first, as one-reply clients read it: " << *r;
  EXPECT_EQ((*r)["voice"], "tara");
  const auto w = ws->next();
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)["type"], "warning");
  EXPECT_EQ((*w)["message"], "Unknown voice 'zoe': answered in 'tara'");
}

TEST_F(VoxtralVoice, StatusAnswersWithTheSessionsAndTheServersNumbers) {
  auto ws = connect(server->port(), "voice-status");
  ws->send_json({{"type", "text"}, {"text", "Hello"}});
  ASSERT_TRUE(ws->until("audio_response"));
  ws->send_json({{"type", "status"}});
  const auto s = ws->until("status_response");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)["session_data"]["total_requests"], 1);
  EXPECT_GT(std::stod((*s)["session_data"]["total_audio_generated"].get<std::string>()), 0.5);
  EXPECT_TRUE((*s)["session_data"]["connected_duration"].get<std::string>().ends_with("s"));
  EXPECT_GE((*s)["server_status"]["active_connections"].get<int>(), 1);
  EXPECT_EQ((*s)["server_status"]["voxtral_loaded"], true);
  EXPECT_EQ((*s)["server_status"]["orpheus_loaded"], true);
  EXPECT_TRUE((*s)["timestamp"].is_number());
}

// The document's fallback: with every tts provider failing, the turn still
// answers, in text.
TEST(VoxtralFallback, EveryTtsProviderFailingStillAnswersInText) {
  VoxtralServer server(
      scripted_voxtral_providers("  - {name: flite, plugin: tts-flite, fault: {error_rate: 1.0}}\n"
                                 "  - {name: tone, plugin: tts-tone, fault: {error_rate: 1.0}}\n"));
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto ws = connect(server.port(), "fallback-1");
  ws->send_json({{"type", "text"}, {"text", "Hello, how are you?"}, {"voice", "tara"}});
  const auto r = until_any(*ws, {"audio_response", "text_response", "error"});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["type"], "text_response") << *r;
  EXPECT_EQ((*r)["text"], "Hello! I am doing well.");
  EXPECT_EQ((*r)["note"], "TTS generation failed, text response only");
  EXPECT_TRUE((*r)["processing_time"].get<std::string>().ends_with("s"));
}

const char *kKey = "voxtral-user-key-0123456789abcdef0123";

struct VoxtralAuth : ::testing::Test {
  static void SetUpTestSuite() {
    server = std::make_unique<VoxtralServer>(
        scripted_voxtral_providers(),
        std::string("{auth: {enabled: true, api_keys: [{name: app, key: ") + kKey + ", role: user}]}}");
  }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoxtralServer> server;
};
std::unique_ptr<VoxtralServer> VoxtralAuth::server;

TEST_F(VoxtralAuth, AKeyInTheAuthMessageOpensTheSocketAWrongOneClosesIt) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  nlohmann::json welcome;
  auto ws = connect(server->port(), "auth-message", &welcome);
  EXPECT_EQ(welcome["auth_required"], true);
  ws->send_json({{"type", "text"}, {"text", "Hello"}});
  auto e = ws->until("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["message"].get<std::string>().rfind("Authentication required", 0), 0U) << *e;
  ws->send_json({{"type", "auth"}, {"api_key", kKey}});
  const auto ok = ws->next();
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, (nlohmann::json{{"type", "system"}, {"message", "Authenticated"}}));
  ws->send_json({{"type", "text"}, {"text", "Hello"}});
  EXPECT_TRUE(ws->until("audio_response"));

  auto wrong = connect(server->port(), "auth-wrong");
  wrong->send_json({{"type", "auth"}, {"api_key", "not-the-key-0123456789abcdef0123456789"}});
  e = wrong->until("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["message"], "Invalid API key");
  EXPECT_FALSE(wrong->next(std::chrono::seconds(5)));
  EXPECT_EQ(wrong->close_code(), 1008);
}

TEST_F(VoxtralAuth, AKeyByHeaderOrQueryIsTakenAtTheUpgradeAndForTheRestRoutes) {
  nlohmann::json welcome;
  auto by_query = connect(server->port(), "auth-query", &welcome, std::string("?api_key=") + kKey);
  EXPECT_FALSE(welcome.contains("auth_required"));
  by_query->send_json({{"type", "text"}, {"text", "Hello"}});
  EXPECT_TRUE(by_query->until("audio_response"));
  WsClient by_header(server->port(), "/ws/auth-header", {{"Authorization", std::string("Bearer ") + kKey}});
  const auto w = by_header.next();
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->contains("auth_required"));
  EXPECT_EQ(http_request(server->port(), "GET", "/api/stats").status, 401);
  EXPECT_EQ(http_request(server->port(), "GET", std::string("/api/stats?api_key=") + kKey).status, 200);
  EXPECT_EQ(
      http_request(server->port(), "GET", "/api/voices", "", {{"Authorization", std::string("Bearer ") + kKey}}).status,
      200);
}

}  // namespace
}  // namespace switchboard::test
