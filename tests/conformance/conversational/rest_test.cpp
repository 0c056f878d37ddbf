// GET / and GET /health as documented, /health from the chains' real state
// and the connections really open.
#include <gtest/gtest.h>

#include "conversational_fixture.hpp"

namespace switchboard::test {
namespace {

const std::string kProviders =
    "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello there\"]}}\n"
    "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Hi!\"}}\n"
    "tts:\n  - {name: tone, plugin: tts-tone, config: {}}\n";

TEST(ConversationRest, TheRootSaysTheServiceRuns) {
  ConversationalServer server(kProviders);
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = http_request(server.port(), "GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (nlohmann::json{{"message", "Conversational AI Backend is running"}, {"status", "healthy"}}));
}

nlohmann::json health(int port, int expected_status) {
  const auto r = http_request(port, "GET", "/health");
  EXPECT_EQ(r.status, expected_status) << r.body;
  return r.json();
}

TEST(ConversationRest, HealthCountsTheOpenConnections) {
  ConversationalServer server(kProviders);
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto idle = health(server.port(), 200);
  EXPECT_EQ(idle["status"], "healthy");
  EXPECT_EQ(idle["services"],
            (nlohmann::json{{"ai_service", true}, {"audio_processor", true}, {"audio_pipeline", true}}));
  EXPECT_EQ(idle["active_connections"], 0);
  {
    auto a = connect(server.port());
    auto b = connect(server.port());
    EXPECT_EQ(health(server.port(), 200)["active_connections"], 2);
  }
  EXPECT_TRUE(connections_reach(server.port(), 0)) << "closed connections are no longer counted";
}

// The services follow the chains: an llm chain with no provider it may
// call cannot answer (503); without speech out answers still come (200,
// degraded). The operator's controls are the native API's.
TEST(ConversationRest, HealthFollowsTheProviderChains) {
  ConversationalServer server(kProviders);
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int native = server.native_port();
  const auto control = [native](const std::string &path) {
    return http_request(native, "POST", path, "", {{"Content-Type", "application/json"}}).status;
  };
  ASSERT_EQ(control("/providers/tts/tone/force-open"), 200);
  auto h = health(server.port(), 200);
  EXPECT_EQ(h["status"], "degraded");
  EXPECT_EQ(h["services"]["audio_pipeline"], false);
  EXPECT_EQ(h["services"]["ai_service"], true);

  ASSERT_EQ(control("/providers/llm/scripted/force-open"), 200);
  h = health(server.port(), 503);
  EXPECT_EQ(h["status"], "unhealthy");
  EXPECT_EQ(h["services"]["ai_service"], false);
  EXPECT_EQ(h["services"]["audio_processor"], true);

  ASSERT_EQ(control("/providers/llm/reset"), 200);
  ASSERT_EQ(control("/providers/tts/reset"), 200);
  EXPECT_EQ(health(server.port(), 200)["status"], "healthy");
}

}  // namespace
}  // namespace switchboard::test
