// WebSocket /chat/{session_id} against the real binary: the welcome, ping,
// a text turn streamed then final, a spoken answer, an audio turn with its
// transcript, stop, refused messages, and keys in the query.
#include <regex>

#include <gtest/gtest.h>

#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

struct YouWorkerSocket : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<YouWorkerServer>(youworker_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<YouWorkerServer> server;
};
std::unique_ptr<YouWorkerServer> YouWorkerSocket::server;

std::unique_ptr<WsClient> chat(int port, const std::string &id, const std::string &query = "") {
  auto ws = std::make_unique<WsClient>(port, "/chat/" + id + query);
  const auto welcome = ws->next();
  if (!welcome || (*welcome)["type"] != "system") ADD_FAILURE() << "no welcome";
  return ws;
}

// Messages until the final text, each kept.
std::vector<nlohmann::json> until_final(WsClient &ws) {
  std::vector<nlohmann::json> seen;
  while (auto m = ws.next(std::chrono::seconds(30))) {
    seen.push_back(*m);
    if ((*m)["type"] == "error" || ((*m)["type"] == "text" && (*m)["metadata"].value("is_final", false))) break;
  }
  return seen;
}

TEST_F(YouWorkerSocket, TheWelcomeAndPing) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  WsClient ws(server->port(), "/chat/my-session");
  const auto welcome = ws.next();
  ASSERT_TRUE(welcome);
  EXPECT_EQ((*welcome)["type"], "system");
  EXPECT_EQ((*welcome)["content"], "Connected to chat session");
  EXPECT_TRUE(std::regex_match((*welcome)["timestamp"].get<std::string>(), std::regex("[0-9T:-]+Z")));
  ws.send_json({{"type", "ping"}, {"timestamp", "2025-01-26T15:00:00Z"}});
  const auto pong = ws.next();
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["type"], "pong");
}

TEST_F(YouWorkerSocket, ATextTurnStreamsThenEndsWithTheWholeTextAndSpeaksWhenAsked) {
  auto ws = chat(server->port(), "socket-text");
  ws->send_json({{"type", "text"}, {"content", "Hello, assistant!"}, {"metadata", nlohmann::json::object()}});
  const auto seen = until_final(*ws);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front()["type"], "status");
  EXPECT_EQ(seen.front()["metadata"]["stage"], "thinking");
  std::string streamed;
  for (const auto &m : seen) {
    if (m["type"] == "text" && m["metadata"].value("is_streaming", false)) streamed += m["content"].get<std::string>();
  }
  ASSERT_EQ(seen.back()["metadata"]["is_final"], true) << seen.back();
  EXPECT_EQ(seen.back()["content"], "Hello there! How can I help you today?");
  EXPECT_EQ(streamed, seen.back()["content"]);
  // The next message is the next turn's status: no audio came unasked (it
  // would follow the final text).
  ws->send_json({{"type", "text"}, {"content", "Again"}, {"metadata", {{"expect_audio", true}}}});
  const auto next = ws->next();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["type"], "status") << "no audio unless asked: " << (*next)["type"];
  until_final(*ws);
  const auto audio = ws->next();
  ASSERT_TRUE(audio);
  EXPECT_EQ((*audio)["type"], "audio");
  EXPECT_EQ((*audio)["sample_rate"], 22050);
  EXPECT_EQ(wav_format_b64((*audio)["audio_data"]).rate, 22050U);
  EXPECT_EQ((*audio)["metadata"]["is_final"], true);
}

TEST_F(YouWorkerSocket, AnAudioTurnSaysWhatItHeard) {
  auto ws = chat(server->port(), "socket-audio");
  auto samples = speech_samples("hello.wav");
  samples.resize(samples.size() + 16000, 0);
  ws->send_json({{"type", "audio"},
                 {"audio_data", sdk::base64_encode(sdk::pcm_bytes(samples.data(), samples.size()))},
                 {"sample_rate", 16000},
                 {"metadata", {{"expect_audio", false}}}});
  const auto seen = until_final(*ws);
  const auto transcript =
      std::find_if(seen.begin(), seen.end(), [](const auto &m) { return m["type"] == "transcript"; });
  ASSERT_NE(transcript, seen.end()) << ::testing::PrintToString(seen.size());
  EXPECT_EQ((*transcript)["content"], "hello there");
  EXPECT_TRUE((*transcript)["metadata"]["confidence"].is_number());
  EXPECT_EQ((*transcript)["metadata"]["language"], "en");
  EXPECT_EQ(seen.back()["metadata"]["is_final"], true);
}

TEST_F(YouWorkerSocket, RefusedMessagesSayWhyAndTheSocketGoesOn) {
  auto ws = chat(server->port(), "socket-bad");
  ws->send_text("{nope");
  EXPECT_EQ(ws->until("error").value_or(nlohmann::json())["content"], "Invalid JSON message");
  ws->send_json({{"type", "dance"}});
  EXPECT_EQ(ws->until("error").value_or(nlohmann::json())["content"], "Unknown message type: dance");
  ws->send_json({{"type", "audio"}, {"audio_data", "AAAA"}, {"sample_rate", 4000}});
  EXPECT_EQ(ws->until("error").value_or(nlohmann::json())["content"], "sample_rate must be 8000 to 48000");
  // Fields of the wrong type are refused or taken as absent, never the end of the socket.
  ws->send_json({{"type", "audio"}, {"audio_data", "AAAA"}, {"sample_rate", "fast"}});
  EXPECT_EQ(ws->until("error").value_or(nlohmann::json())["content"], "sample_rate must be 8000 to 48000");
  ws->send_json({{"type", "text"}, {"content", "Hi"}, {"metadata", {{"expect_audio", "yes"}, {"model", 7}}}});
  EXPECT_EQ(until_final(*ws).back()["metadata"]["is_final"], true);
  ws->send_json({{"type", "text"}, {"content", "Hello"}});
  EXPECT_EQ(until_final(*ws).back()["metadata"]["is_final"], true);
}

TEST(YouWorkerSocketStop, StopEndsTheAnswerAndTheNextTurnWorks) {
  YouWorkerServer server(
      "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello there\"]}}\n"
      "llm:\n  - {name: slow, plugin: llm-scripted, config: {reply: \"one two three four five six seven eight nine "
      "ten\", token_ms: 300}}\n"
      "tts:\n  - {name: tone, plugin: tts-tone, config: {}}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  auto ws = chat(server.port(), "socket-stop");
  ws->send_json({{"type", "text"}, {"content", "Count"}});
  ASSERT_TRUE(ws->until("text"));  // the answer has begun
  ws->send_json({{"type", "stop"}});
  const auto stopped = ws->until("status");
  ASSERT_TRUE(stopped);
  EXPECT_EQ((*stopped)["metadata"]["stage"], "stopped");
  // The next turn's final is the first final to come: the stopped answer
  // never ends (it would be final after 3 s, before the next one's 3 s).
  ws->send_json({{"type", "text"}, {"content", "Again"}});
  const auto seen = until_final(*ws);
  ASSERT_EQ(seen.back()["metadata"]["is_final"], true);
  EXPECT_EQ(seen.back()["content"], "one two three four five six seven eight nine ten");
  const auto thinking = std::find_if(seen.begin(), seen.end(), [](const auto &m) { return m["type"] == "status"; });
  ASSERT_NE(thinking, seen.end()) << "the next turn began";
  std::string streamed;
  for (auto it = thinking; it != seen.end(); ++it) {
    if ((*it)["metadata"].value("is_streaming", false)) streamed += (*it)["content"].get<std::string>();
  }
  EXPECT_EQ(streamed, seen.back()["content"]) << "after its status, only the new turn's words";
}

TEST(YouWorkerSocketAuth, AKeyInTheQueryIsTakenAndNoneIsRefused) {
  const std::string key = "user-key-0123456789abcdef0123456789abcdef";
  YouWorkerServer server(youworker_providers(),
                         "{auth: {enabled: true, api_keys: [{name: app, key: " + key + ", role: user}]}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  int refused = 0;
  WsClient none(server.port(), "/chat/auth-none", {}, &refused);
  EXPECT_EQ(refused, 401);
  auto ws = chat(server.port(), "auth-key", "?api_key=" + key);
  ws->send_json({{"type", "ping"}});
  EXPECT_TRUE(ws->until("pong"));
}

}  // namespace
}  // namespace switchboard::test
