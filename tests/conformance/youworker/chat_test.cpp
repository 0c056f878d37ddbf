// The chat endpoints against the real binary: /v1/chat/stream's SSE
// framing, /v1/chat/unified and /v1/chat/voice's UnifiedChatResponse, the
// choice of model, and the framework's 422 for every bad field.
#include <regex>

#include <gtest/gtest.h>

#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

struct YouWorkerChat : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<YouWorkerServer>(youworker_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<YouWorkerServer> server;
};
std::unique_ptr<YouWorkerServer> YouWorkerChat::server;

TEST_F(YouWorkerChat, HealthNamesTheServicesFromTheChains) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const auto r = http_request(server->port(), "GET", "/health");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto h = r.json();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_EQ(h["services"]["ollama"], "connected");
  EXPECT_TRUE(std::regex_match(h["timestamp"].get<std::string>(),
                               std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")));
}

TEST_F(YouWorkerChat, TheStreamIsTokenEventsThenDoneWithTheWholeText) {
  const auto r = sse_request(
      server->port(), "POST", "/v1/chat/stream",
      nlohmann::json{
          {"messages", {{{"role", "user"}, {"content", "Hello!"}}}}, {"session_id", "stream-1"}, {"enable_tools", true}}
          .dump(),
      {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "text/event-stream");
  // Each event is one "data: {json}" line and a blank line.
  EXPECT_TRUE(std::regex_match(r.body, std::regex("(data: \\{[^\n]*\\}\n\n)+"))) << r.body;
  ASSERT_GE(r.events.size(), 3U) << r.body;
  std::string tokens;
  for (std::size_t i = 0; i + 1 < r.events.size(); ++i) {
    const auto e = r.events[i].json();
    ASSERT_EQ(e["event"], "token") << e;
    tokens += e["data"]["text"].get<std::string>();
  }
  const auto done = r.events.back().json();
  EXPECT_EQ(done["event"], "done");
  EXPECT_EQ(done["data"]["final_text"], "Hello there! How can I help you today?");
  EXPECT_EQ(tokens, done["data"]["final_text"]) << "the tokens are the answer";
  EXPECT_EQ(done["data"]["metadata"]["session_id"], "stream-1");
  EXPECT_LT(r.events.front().at, r.events.back().at - std::chrono::milliseconds(20))
      << "the tokens left as they were written (a word every 5 ms), not all at the end";
}

TEST_F(YouWorkerChat, UnifiedAnswersTextAndSpeaksWhenAsked) {
  auto r = post_json(server->port(), "/v1/chat/unified", {{"text_input", "Hello"}, {"session_id", "unified-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body["content"], "Hello there! How can I help you today?");
  EXPECT_FALSE(body.contains("audio_b64")) << "expect_audio defaults to false";
  EXPECT_EQ(body["tool_events"], nlohmann::json::array());
  EXPECT_EQ(body["metadata"]["session_id"], "unified-1");

  r = post_json(server->port(), "/v1/chat/unified", {{"text_input", "Hello"}, {"expect_audio", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  body = r.json();
  EXPECT_EQ(body["audio_sample_rate"], 22050);
  const auto wav = wav_format_b64(body["audio_b64"]);
  EXPECT_EQ(wav.rate, 22050U);
  EXPECT_EQ(wav.channels, 1);
  EXPECT_GT(wav.data_bytes, 0U);
  EXPECT_FALSE(body["metadata"]["session_id"].get<std::string>().empty()) << "a new session when none is named";
}

TEST_F(YouWorkerChat, TheModelChoosesTheProviderThatAnswersAndAnUnknownOneIsRefused) {
  auto r = post_json(server->port(), "/v1/chat/unified", {{"text_input", "Hi"}, {"model", "gpt-oss:20b"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.json()["detail"].get<std::string>().find("scripted, backup"), std::string::npos) << r.body;
  EXPECT_EQ(r.json()["status_code"], 400);
  // The second provider of the chain answers when named, in the same
  // session, and the next turn without a model goes back to the chain's order.
  r = post_json(server->port(), "/v1/chat/unified",
                {{"text_input", "Hi"}, {"model", "backup"}, {"session_id", "model-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["content"], "Backup here.");
  EXPECT_EQ(r.json()["metadata"]["provider"], "backup");
  r = post_json(server->port(), "/v1/chat/unified", {{"text_input", "Hi"}, {"session_id", "model-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["metadata"]["provider"], "scripted");
}

TEST_F(YouWorkerChat, EachBadFieldIsTheFrameworksValidationError) {
  const int port = server->port();
  auto p = only_problem(post_json(port, "/v1/chat/voice", {{"audio_b64", "AAAA"}, {"sample_rate", 7000}}));
  EXPECT_EQ(p, (nlohmann::json{{"loc", {"body", "sample_rate"}},
                               {"msg", "ensure this value is greater than or equal to 8000"},
                               {"type", "value_error.number.not_ge"}}));
  p = only_problem(post_json(port, "/v1/chat/voice", {{"audio_b64", "AAAA"}, {"sample_rate", 96000}}));
  EXPECT_EQ(p["type"], "value_error.number.not_le");
  p = only_problem(post_json(port, "/v1/chat/voice", {{"sample_rate", 16000}}));
  EXPECT_EQ(
      p, (nlohmann::json{{"loc", {"body", "audio_b64"}}, {"msg", "field required"}, {"type", "value_error.missing"}}));
  p = only_problem(post_json(port, "/v1/chat/unified", {{"text_input", 5}}));
  EXPECT_EQ(p["loc"], (nlohmann::json{"body", "text_input"}));
  EXPECT_EQ(p["type"], "type_error.str");
  p = only_problem(post_json(port, "/v1/chat/unified", {{"text_input", "Hi"}, {"expect_audio", "yes"}}));
  EXPECT_EQ(p["type"], "type_error.bool");
  p = only_problem(post_json(port, "/v1/chat/stream", {{"messages", "Hello"}}));
  EXPECT_EQ(p["type"], "type_error.list");
  p = only_problem(post_json(port, "/v1/chat/unified", nlohmann::json::object()));
  EXPECT_EQ(p["msg"], "field required");
  const auto bad = http_request(port, "POST", "/v1/chat/unified", "{nope", {{"Content-Type", "application/json"}});
  EXPECT_EQ(only_problem(bad)["type"], "value_error.jsondecode");
  const auto two = post_json(port, "/v1/chat/voice", {{"audio_b64", 1}, {"sample_rate", 1}});
  EXPECT_EQ(two.json()["detail"].size(), 2U) << "every field at fault: " << two.body;
}

TEST(YouWorkerVoice, ARecordingIsHeardAnsweredAndSpokenAt22050) {
  YouWorkerServer server(youworker_recognising_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto samples = speech_samples("crying.wav");
  samples.resize(samples.size() + 16000, 0);
  const auto pcm = sdk::pcm_bytes(samples.data(), samples.size());
  const auto r = post_json(server.port(), "/v1/chat/voice",
                           {{"audio_b64", sdk::base64_encode(pcm)}, {"sample_rate", 16000}, {"session_id", "voice-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["transcript"], "my baby will not stop crying what should i do");
  EXPECT_TRUE(body["stt_confidence"].is_number());
  EXPECT_EQ(body["stt_language"], "en");
  EXPECT_EQ(body["content"], "Hello there! How can I help you today?");
  EXPECT_EQ(wav_format_b64(body["audio_b64"]).rate, 22050U) << "voice answers aloud by default";
  // Raw PCM at another declared rate is heard as that rate.
  const auto at_8k = sdk::wav_file(samples.data(), samples.size(), 16000);
  const auto wav = post_json(server.port(), "/v1/chat/voice", {{"audio_b64", sdk::base64_encode(at_8k)}});
  ASSERT_EQ(wav.status, 200) << wav.body;
  EXPECT_EQ(wav.json()["transcript"], body["transcript"]) << "a WAV file carries its own rate";
}

}  // namespace
}  // namespace switchboard::test
