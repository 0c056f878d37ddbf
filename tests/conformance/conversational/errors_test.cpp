// The document's error codes, each by its trigger, and its limits: 10
// WebSocket connections and 100 API requests a minute per address by
// default, other values when configured. A refused message leaves the
// connection and its conversation working.
#include <gtest/gtest.h>

#include "conformance/rate_limit.hpp"
#include "conversational_fixture.hpp"

namespace switchboard::test {
namespace {

// Scripted providers: no models to load.
std::string quick_providers(const std::string &stt_config = "{transcripts: [\"hello there\"]}") {
  return "stt:\n  - {name: scripted, plugin: stt-scripted, config: " + stt_config +
         "}\n"
         "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Hi! How can I help you today?\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n";
}

nlohmann::json error_after(WsClient &ws, const std::string &message) {
  ws.send_text(message);
  const auto e = ws.until("error");
  return e ? *e : nlohmann::json();
}

TEST(ConversationErrors, EachDocumentedCodeComesFromItsTriggerAndTheConversationGoesOn) {
  ConversationalServer server(quick_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto ws = connect(server.port());

  for (const char *bad : {"{not json", "[1, 2]", "\"start_conversation\""}) {
    const auto e = error_after(*ws, bad);
    EXPECT_EQ(e["code"], "INVALID_JSON") << bad;
    EXPECT_EQ(e["message"], "Invalid JSON format");
  }
  auto e = error_after(*ws, R"({"type": "dance"})");
  EXPECT_EQ(e["code"], "UNKNOWN_TYPE");
  EXPECT_EQ(e["message"], "Unknown message type: dance");
  e = error_after(*ws, R"({"audio_data": "AAAA"})");
  EXPECT_EQ(e["message"], "Unknown message type: None") << "no type, as the API's server said it";

  const std::string chunk = wav_chunks(speech_samples("hello.wav")).front();
  e = error_after(*ws, nlohmann::json{{"type", "audio_chunk"}, {"audio_data", chunk}}.dump());
  EXPECT_EQ(e["code"], "NO_SESSION");
  EXPECT_EQ(e["message"], "No active conversation session");
  ws->send_binary(std::string(640, '\0'));
  EXPECT_EQ(ws->until("error").value_or(nlohmann::json())["code"], "NO_SESSION") << "binary audio too";
  e = error_after(*ws, R"({"type": "end_conversation"})");
  EXPECT_EQ(e["code"], "NO_SESSION") << "nothing to end";

  ASSERT_FALSE(start(*ws).empty());
  e = error_after(*ws, R"({"type": "audio_chunk", "audio_data": "not base64!"})");
  EXPECT_EQ(e["code"], "PROCESSING_ERROR");
  EXPECT_EQ(e["message"], "Audio processing error: audio_data is not valid base64");
  e = error_after(*ws, R"({"type": "audio_chunk", "audio_data": 42})");
  EXPECT_EQ(e["code"], "PROCESSING_ERROR");
  const std::string broken_wav = "RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x07\x00";
  e = error_after(*ws, nlohmann::json{{"type", "audio_chunk"}, {"audio_data", sdk::base64_encode(broken_wav)}}.dump());
  EXPECT_EQ(e["code"], "PROCESSING_ERROR");
  EXPECT_EQ(e["message"].get<std::string>().rfind("Audio processing error: ", 0), 0U) << e;
  EXPECT_GT(e["message"].get<std::string>().size(), std::string("Audio processing error: ").size()) << "with why";

  // None of it hurt the conversation: a turn is still heard and answered.
  send_chunks(*ws, wav_chunks(speech_samples("hello.wav")));
  const Heard heard = hear_turn(*ws);
  ASSERT_TRUE(heard.response) << ::testing::PrintToString(heard.types);
  EXPECT_EQ((*heard.response)["text"], "Hi! How can I help you today?");
}

TEST(ConversationErrors, AFailureInTheAudioPipelineIsAProcessingError) {
  ConversationalServer server(quick_providers("{transcripts: [\"hello there\"], fail_after_ms: 300}"));
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto ws = connect(server.port());
  ASSERT_FALSE(start(*ws).empty());
  send_chunks(*ws, wav_chunks(speech_samples("hello.wav")));
  const auto e = ws->until("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["code"], "PROCESSING_ERROR");
  EXPECT_EQ((*e)["message"].get<std::string>().rfind("Audio processing error: ", 0), 0U) << *e;
}

TEST(ConversationLimits, TenConnectionsFromOneAddressThenTheNextIsToldAndClosed) {
  ConversationalServer server(quick_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 10; ++i) open.push_back(connect(server.port()));
  WsClient over(server.port(), "/ws");
  const auto told = over.next();
  ASSERT_TRUE(told);
  EXPECT_EQ((*told)["type"], "error");
  EXPECT_EQ((*told)["code"], "RATE_LIMITED");
  EXPECT_NE((*told)["message"].get<std::string>().find("at most 10"), std::string::npos) << *told;
  EXPECT_FALSE(over.next(std::chrono::seconds(5)));
  EXPECT_EQ(over.close_code(), 1008);

  for (auto &ws : open) EXPECT_FALSE(start(*ws).empty()) << "the ten already open are unaffected";
  open.pop_back();  // closes one
  ASSERT_TRUE(connections_reach(server.port(), 9));
  auto again = connect(server.port());
  EXPECT_FALSE(start(*again).empty()) << "room again once one left";
}

TEST(ConversationLimits, AHundredRequestsAMinuteFromOneAddress) {
  ConversationalServer server(quick_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto burst = until_refused(server.port(), "/health", 100);
  // The hundred-and-first, or a few more if the machine was slow enough for
  // the bucket to refill while the hundred ran.
  EXPECT_GE(burst.allowed.size(), 100u);
  EXPECT_LE(burst.allowed.size(), 100u + burst.refilled_at_most);
  const auto &refused = burst.refused;
  ASSERT_EQ(refused.status, 429);
  EXPECT_TRUE(refused.json()["detail"].is_string()) << refused.body;
  EXPECT_FALSE(refused.headers.at("retry-after").empty());
  EXPECT_EQ(http_request(server.native_port(), "GET", "/health").status, 200) << "another transport's own limits";
}

TEST(ConversationLimits, TheLimitsAreConfigurable) {
  ConversationalServer server(quick_providers(), "{limits: {requests_per_minute: 4, max_sessions_per_address: 1}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto one = connect(server.port());   // one request
  WsClient two(server.port(), "/ws");  // two
  const auto told = two.next();
  ASSERT_TRUE(told);
  EXPECT_EQ((*told)["code"], "RATE_LIMITED");
  EXPECT_EQ(http_request(server.port(), "GET", "/").status, 200);  // three
  EXPECT_EQ(http_request(server.port(), "GET", "/").status, 200);  // four
  EXPECT_EQ(http_request(server.port(), "GET", "/").status, 429);
}

}  // namespace
}  // namespace switchboard::test
