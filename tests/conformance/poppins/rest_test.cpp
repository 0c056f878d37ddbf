// The Poppins API's REST endpoints against the real binary, field by field
// as ../shared/apis/poppins.md documents them.
#include <thread>

#include "conformance/poppins/poppins_fixture.hpp"

namespace switchboard::test {
namespace {

TEST(PoppinsRest, HealthSaysHealthy) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = http_request(server.port(), "GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (nlohmann::json{{"status", "healthy"}, {"service", "poppins-api"}}));
}

TEST(PoppinsRest, TheConnectionTestRunsOneCompletionThroughTheLlmChain) {
  PoppinsServer server(streaming_providers(0, "Hello! I am here to help you with your little one today."));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = http_request(server.port(), "GET", "/debug/test-connection");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["connection_successful"], true);
  EXPECT_EQ(j["response_received"], true);
  const std::string answer = "Hello! I am here to help you with your little one today.";
  EXPECT_EQ(j["response_length"], answer.size());
  EXPECT_EQ(j["response_preview"], answer.substr(0, 50) + "...");
  EXPECT_EQ(j["timeout_reached"], false);
  EXPECT_EQ(j["provider"], "scripted");
  EXPECT_TRUE(j["elapsed_ms"].is_number());
  // The probe's session does not stay behind.
  EXPECT_EQ(http_request(server.port(), "GET", "/sessions").json()["total_sessions"], 0);
}

TEST(PoppinsRest, AFailingChainGivesTheDocumentedShapeNotACrash) {
  PoppinsServer server(
      "llm:\n  - {name: broken, plugin: llm-scripted, config: {fail_after_tokens: 0, fail_status: fatal}}\n"
      "tts:\n  - {name: tone, plugin: tts-tone, config: {}}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = http_request(server.port(), "GET", "/debug/test-connection");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["connection_successful"], false);
  EXPECT_EQ(j["response_received"], false);
  EXPECT_EQ(j["response_length"], 0);
  EXPECT_EQ(j["timeout_reached"], false);
  EXPECT_TRUE(j["error"].is_string() && !j["error"].get<std::string>().empty());
  // And a chat turn says so in the error format.
  const auto chat = post(server.port(), "/chat/text", {{"message", "hello"}});
  EXPECT_EQ(chat.status, 500);
  EXPECT_TRUE(chat.json()["detail"].is_string());
  EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200);
}

TEST(PoppinsRest, ATextTurnAnswersAsAChatResponse) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = post(server.port(), "/chat/text",
                      {{"message", "My baby won't stop crying. What should I do?"}, {"session_id", "user123"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["response"], "Here are some gentle ideas.");
  EXPECT_EQ(j["session_id"], "user123");
  EXPECT_TRUE(j.contains("audio_data") && j["audio_data"].is_null());
  // No session named: "default".
  EXPECT_EQ(post(server.port(), "/chat/text", {{"message", "hi"}}).json()["session_id"], "default");
}

TEST(PoppinsRest, AMultimodalTurnAnswersWithWavAt24kHz) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = post(server.port(), "/chat/multimodal", {{"message", "Tell me about baby sleep schedules"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["response"], "Here are some gentle ideas.");
  ASSERT_TRUE(j["audio_data"].is_string());
  const auto f = wav_format_b64(j["audio_data"]);
  EXPECT_EQ(f.rate, 24000U);
  EXPECT_EQ(f.channels, 1);
  EXPECT_EQ(f.bits, 16);
  // Every sentence in one file: the header's size is the whole data.
  EXPECT_EQ(f.data_bytes + 44, sdk::base64_decode(j["audio_data"].get<std::string>())->size());
  EXPECT_GT(f.data_bytes, 24000U / 10);
}

TEST(PoppinsRest, TwoTurnsAtOnceOnOneSessionBothGetTheirAnswer) {
  PoppinsServer server(streaming_providers(20));
  ASSERT_TRUE(server.ready()) << server.process().err();
  HttpReply first, second;
  std::thread a([&] { first = post(server.port(), "/chat/text", {{"message", "one"}, {"session_id", "shared"}}); });
  std::thread b([&] { second = post(server.port(), "/chat/text", {{"message", "two"}, {"session_id", "shared"}}); });
  a.join();
  b.join();
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(first.json()["response"], "Here are some gentle ideas.");
  EXPECT_EQ(second.json()["response"], "Here are some gentle ideas.");
  const auto stats = http_request(server.port(), "GET", "/session/shared/stats").json();
  EXPECT_EQ(stats["conversation_pairs"], 2);
}

TEST(PoppinsRest, SessionStatsClearDeleteAndListFollowTheConversationStore) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  EXPECT_EQ(http_request(port, "GET", "/session/user123/stats").status, 404);
  EXPECT_EQ(http_request(port, "POST", "/session/user123/clear", "{}").status, 404);
  for (const char *m : {"first", "second"}) post(port, "/chat/text", {{"message", m}, {"session_id", "user123"}});
  post(port, "/chat/text", {{"message", "x"}, {"session_id", "user456"}});
  const auto stats = http_request(port, "GET", "/session/user123/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(stats.json(), (nlohmann::json{{"session_id", "user123"},
                                          {"total_messages", 4},
                                          {"conversation_pairs", 2},
                                          {"user_messages", 2},
                                          {"assistant_messages", 2}}));
  auto list = http_request(port, "GET", "/sessions").json();
  EXPECT_EQ(list["total_sessions"], 2);
  auto ids = list["active_sessions"].get<std::vector<std::string>>();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"user123", "user456"}));

  const auto cleared = http_request(port, "POST", "/session/user123/clear", "{}");
  EXPECT_EQ(cleared.status, 200);
  EXPECT_EQ(cleared.json(), (nlohmann::json{{"message", "Session user123 conversation cleared"}}));
  EXPECT_EQ(http_request(port, "GET", "/session/user123/stats").json()["total_messages"], 0);

  const auto deleted = http_request(port, "DELETE", "/session/user123");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.json(), (nlohmann::json{{"message", "Session user123 deleted"}}));
  EXPECT_EQ(http_request(port, "GET", "/session/user123/stats").status, 404);
  EXPECT_EQ(http_request(port, "GET", "/sessions").json()["active_sessions"], nlohmann::json::array({"user456"}));
}

}  // namespace
}  // namespace switchboard::test
