// WebSocket /ws against the real binary: the greeting, a conversation's
// start and end, a whole voice turn from a recording in each input format,
// two clients side by side, and barge-in.
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "conformance/poppins/poppins_fixture.hpp"
#include "conversational_fixture.hpp"
#include "support/webm_opus.hpp"

namespace switchboard::test {
namespace {

struct Conversation : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<ConversationalServer>(recognising_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<ConversationalServer> server;
};
std::unique_ptr<ConversationalServer> Conversation::server;

nlohmann::json native_session(const std::string &id) {
  return http_request(Conversation::server->native_port(), "GET", "/sessions/" + id).json();
}

TEST_F(Conversation, AClientIsGreetedAndEachConversationIsASessionTheNativeApiSees) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  nlohmann::json greeting;
  auto ws = connect(server->port(), &greeting);
  EXPECT_TRUE(std::regex_match(greeting.value("connection_id", ""), std::regex("conn_[0-9]+"))) << greeting;
  EXPECT_EQ(greeting["message"], "Connected to Conversational AI");

  ws->send_json({{"type", "start_conversation"}});
  const auto started = ws->until("conversation_started");
  ASSERT_TRUE(started);
  EXPECT_EQ((*started)["message"], "Ready to listen");
  const std::string id = (*started)["session_id"];
  EXPECT_TRUE(
      std::regex_match(id, std::regex("session_" + greeting["connection_id"].get<std::string>() + "_[0-9]{10}")))
      << id;
  EXPECT_EQ(start(*ws), id) << "a second start answers with the conversation that is on";
  EXPECT_EQ(native_session(id).value("session_id", ""), id);

  ws->send_json({{"type", "end_conversation"}});
  const auto ended = ws->until("conversation_ended");
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["message"], "Conversation ended");
  const std::string next = start(*ws);
  EXPECT_FALSE(next.empty());
  EXPECT_NE(next, id) << "a conversation after an end is a new session";
}

TEST_F(Conversation, AWholeVoiceTurnFromARecordingIsHeardAnsweredAndSpoken) {
  auto ws = connect(server->port());
  const std::string id = start(*ws);
  ASSERT_FALSE(id.empty());
  send_chunks(*ws, wav_chunks(speech_samples("crying.wav")));
  const Heard heard = hear_turn(*ws);
  ASSERT_TRUE(heard.response) << ::testing::PrintToString(heard.types);
  EXPECT_TRUE(heard.errors.empty()) << heard.errors.front();

  // Partials while speaking, then the final that ends the turn.
  ASSERT_FALSE(heard.partials.empty());
  for (const auto &p : heard.partials) EXPECT_EQ(p["turn_detected"], false) << p;
  ASSERT_EQ(heard.finals.size(), 1U);
  EXPECT_EQ(heard.finals[0]["text"], reference_of("crying"));
  EXPECT_EQ(heard.finals[0]["turn_detected"], true);

  const auto &answer = *heard.response;
  const std::string text = answer["text"];
  EXPECT_NE(text.find("hunger"), std::string::npos) << "the knowledge base's answer about crying: " << text;
  const auto wav = wav_format_b64(answer["audio_data"]);
  EXPECT_EQ(wav.rate, 16000U);
  EXPECT_EQ(wav.channels, 1);
  EXPECT_EQ(wav.bits, 16);
  // The tone speaks 5 ms a character: the whole answer is in the one file.
  EXPECT_GE(wav.data_bytes / 32, text.size() * 5 * 9 / 10) << "ms of speech for " << text.size() << " characters";

  ws->send_json({{"type", "end_conversation"}});
  const auto ended = ws->until("conversation_ended");
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["session_id"], id);
  EXPECT_EQ((*ended)["transcripts"], 1);
  EXPECT_EQ((*ended)["responses"], 1);
  EXPECT_GT((*ended)["duration_seconds"].get<double>(), 0.0);
  EXPECT_EQ((*ended)["stats"]["user_messages"], 1);
  EXPECT_GT((*ended)["stats"]["audio_seconds"].get<double>(), 1.0);

  const auto history = native_session(id)["history"];
  ASSERT_EQ(history.size(), 2U) << history;
  EXPECT_EQ(history[0]["text"], reference_of("crying"));
  EXPECT_EQ(history[1]["text"], text);
}

// Raw PCM16 at 16 kHz and a MediaRecorder's WebM/Opus messages, beside
// the documented WAV: the same words are heard.
TEST_F(Conversation, RawPcmAndWebmOpusChunksAreHeardAsWellAsWav) {
  const auto samples = speech_samples("crying.wav");
  auto silence_after = samples;
  silence_after.resize(samples.size() + 16000, 0);
  std::vector<std::string> pcm;
  for (std::size_t at = 0; at < silence_after.size(); at += 1600) {
    const std::size_t n = std::min<std::size_t>(1600, silence_after.size() - at);
    pcm.push_back(sdk::base64_encode(sdk::pcm_bytes(silence_after.data() + at, n)));
  }
  std::string error;
  std::vector<std::string> webm;
  for (const auto &chunk : webm_opus_chunks(silence_after, 16000, 128000, 200, error)) {
    webm.push_back(sdk::base64_encode(chunk));
  }
  ASSERT_FALSE(webm.empty()) << error;
  const auto reference = words_of(reference_of("crying"));
  for (const auto *chunks : {&pcm, &webm}) {
    auto ws = connect(server->port());
    ASSERT_FALSE(start(*ws).empty());
    send_chunks(*ws, *chunks, chunks == &pcm ? 100 : 200);
    const Heard heard = hear_turn(*ws);
    ASSERT_TRUE(heard.response) << (chunks == &pcm ? "pcm16 " : "webm ") << ::testing::PrintToString(heard.types);
    ASSERT_EQ(heard.finals.size(), 1U);
    EXPECT_LE(word_errors(reference, words_of(heard.finals[0]["text"])), 1U) << heard.finals[0];
  }
}

TEST_F(Conversation, TwoClientsSpeakingAtOnceEachHearOnlyTheirOwnTurn) {
  auto a = connect(server->port());
  auto b = connect(server->port());
  const std::string id_a = start(*a), id_b = start(*b);
  ASSERT_FALSE(id_a.empty());
  ASSERT_NE(id_a, id_b);
  const auto chunks_a = wav_chunks(speech_samples("crying.wav"));
  const auto chunks_b = wav_chunks(speech_samples("lights.wav"));
  for (std::size_t i = 0; i < std::max(chunks_a.size(), chunks_b.size()); ++i) {
    if (i < chunks_a.size()) a->send_json({{"type", "audio_chunk"}, {"audio_data", chunks_a[i]}});
    if (i < chunks_b.size()) b->send_json({{"type", "audio_chunk"}, {"audio_data", chunks_b[i]}});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // both microphones at five times real time
  }
  Heard heard_b;
  std::thread other([&] { heard_b = hear_turn(*b); });
  const Heard heard_a = hear_turn(*a);
  other.join();
  ASSERT_TRUE(heard_a.response && heard_b.response);
  ASSERT_EQ(heard_a.finals.size(), 1U);
  ASSERT_EQ(heard_b.finals.size(), 1U);
  EXPECT_EQ(heard_a.finals[0]["text"], reference_of("crying"));
  EXPECT_LE(word_errors(words_of(reference_of("lights")), words_of(heard_b.finals[0]["text"])), 1U)
      << heard_b.finals[0];
  EXPECT_NE((*heard_a.response)["text"], (*heard_b.response)["text"]);
  for (const auto &p : heard_a.partials) EXPECT_EQ(p["text"].get<std::string>().find("light"), std::string::npos);
  EXPECT_EQ(native_session(id_a)["history"][1]["text"], (*heard_a.response)["text"]);
  EXPECT_EQ(native_session(id_b)["history"][1]["text"], (*heard_b.response)["text"]);
}

// A second utterance while the first answer is still being written starts
// a new turn: the first answer stops and is never sent.
TEST(ConversationBargeIn, SpeakingDuringAnAnswerStopsItAndOnlyTheNewTurnIsAnswered) {
  const std::string long_answer =
      "Once upon a time a small dragon lived on a hill above a quiet town and every night it counted the "
      "stars one by one until the sun came up again over the far green fields.";
  ConversationalServer server(
      "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"tell me a story\", \"stop "
      "talking please\"], partial_every_ms: 200}}\n"
      "llm:\n  - {name: scripted, plugin: llm-scripted, config: {token_ms: 100, replies: [{match: story, reply: \"" +
      long_answer +
      "\"}, {match: stop, reply: \"All right, I have stopped.\"}]}}\n"
      "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto ws = connect(server.port());
  ASSERT_FALSE(start(*ws).empty());
  send_chunks(*ws, wav_chunks(speech_samples("story.wav")));
  const auto first = ws->until("transcript", {}, std::chrono::seconds(30));
  std::optional<nlohmann::json> final_one = first;
  while (final_one && (*final_one)["is_final"] != true) final_one = ws->until("transcript");
  ASSERT_TRUE(final_one);
  EXPECT_EQ((*final_one)["text"], "tell me a story");

  send_chunks(*ws, wav_chunks(speech_samples("stop.wav")));  // while the story is being written
  const Heard heard = hear_turn(*ws);
  ASSERT_TRUE(heard.response) << ::testing::PrintToString(heard.types);
  EXPECT_EQ((*heard.response)["text"], "All right, I have stopped.") << "the story was cut off, never sent";
  ASSERT_FALSE(heard.finals.empty());
  EXPECT_EQ(heard.finals.back()["text"], "stop talking please");
}

}  // namespace
}  // namespace switchboard::test
