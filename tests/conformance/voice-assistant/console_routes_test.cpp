// What the web console stands on: GET / is the page for a browser and the
// API's info for everyone else; WebSocket /metrics/ws pushes the metrics
// about once a second; ?stream_text=1 streams the answer's text.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace switchboard::test {
namespace {

struct Console : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<VoiceServer>(scripted_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoiceServer> server;
};
std::unique_ptr<VoiceServer> Console::server;

TEST_F(Console, TheRootIsThePageForABrowserAndTheInfoForAClient) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const int port = server->port();
  const auto page = http_request(port, "GET", "/", "",
                                 {{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<title>Switchboard console</title>"), std::string::npos);
  EXPECT_NE(page.headers.at("content-security-policy").find("default-src 'self'"), std::string::npos);
  for (const char *accept : {"application/json", "*/*", ""}) {
    const auto info = http_request(port, "GET", "/", "", {{"Accept", accept}});
    EXPECT_EQ(info.json()["message"], "Voice Assistant API") << accept;
  }
  for (const char *asset : {"/console.js", "/console.css", "/capture-worklet.js"}) {
    const auto r = http_request(port, "GET", asset);
    EXPECT_EQ(r.status, 200) << asset;
    EXPECT_GT(r.body.size(), 500U) << asset;
    EXPECT_EQ(r.headers.at("x-content-type-options"), "nosniff");
  }
  EXPECT_TRUE(http_request(port, "GET", "/openapi.json").json()["paths"].contains("/metrics/ws"));
}

TEST_F(Console, TheMetricsFeedPushesSnapshotsEverySecond) {
  WsClient ws(server->port(), "/metrics/ws");
  const auto first = ws.next(std::chrono::seconds(5));
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["type"], "metrics");
  EXPECT_TRUE((*first)["metrics"].is_object());
  EXPECT_TRUE((*first)["recent"].contains("stages"));
  EXPECT_EQ((*first)["providers"]["llm"]["providers"][0]["name"], "scripted");
  const auto started = std::chrono::steady_clock::now();
  const auto second = ws.next(std::chrono::seconds(5));
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)["type"], "metrics");
  const auto gap = std::chrono::steady_clock::now() - started;
  EXPECT_GT(gap, std::chrono::milliseconds(500)) << "about once a second, not a flood";
}

TEST_F(Console, StreamTextSendsTheAnswerAsItIsWrittenAndTheRecentTurnNamesItsProvider) {
  WsClient ws(server->port(), "/voice/console-stream?stream_text=1");
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  std::string streamed;
  const auto final_text = ws.until("transcript_update", [&](const nlohmann::json &m) {
    if (m["type"] == "response_text") streamed += m["data"]["text"].get<std::string>();
  });
  ASSERT_TRUE(final_text);
  EXPECT_EQ((*final_text)["data"]["speaker"], "assistant");
  EXPECT_EQ(streamed, (*final_text)["data"]["text"]);
  const auto recent = http_request(server->port(), "GET", "/metrics/recent").json();
  EXPECT_EQ(recent["last_turn"]["llm_provider"], "scripted");
  EXPECT_TRUE(recent["stages"]["llm_ms"].is_number()) << recent;
  // Without the parameter, the document's messages only.
  WsClient plain(server->port(), "/voice/console-plain");
  ASSERT_TRUE(plain.until("state_change"));
  plain.send_json({{"type", "text"}, {"data", "hello"}});
  bool any = false;
  ASSERT_TRUE(
      plain.until("transcript_update", [&](const nlohmann::json &m) { any = any || m["type"] == "response_text"; }));
  EXPECT_FALSE(any);
}

}  // namespace
}  // namespace switchboard::test
