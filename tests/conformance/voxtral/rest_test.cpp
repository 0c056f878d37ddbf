// The REST side against the real binary: /health, /api/voices and
// /api/stats in the document's shapes, filled from the chains and the
// server's real state; the OpenAPI description and its pages; the web
// client.
#include <gtest/gtest.h>

#include "voxtral_fixture.hpp"

namespace switchboard::test {
namespace {

struct VoxtralRest : ::testing::Test {
  static void SetUpTestSuite() {
    server = std::make_unique<VoxtralServer>(scripted_voxtral_providers(), "{default_voice: tara}");
  }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoxtralServer> server;
};
std::unique_ptr<VoxtralServer> VoxtralRest::server;

TEST_F(VoxtralRest, HealthHasTheDocumentsShapeWithTheProvidersReadiness) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const auto r = http_request(server->port(), "GET", "/health");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto h = r.json();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_TRUE(h["timestamp"].is_number());
  EXPECT_EQ(h["models"], (nlohmann::json{{"voxtral_loaded", true}, {"orpheus_loaded", true}}));
  EXPECT_EQ(h["server"]["max_connections"], 20);
  EXPECT_EQ(h["server"]["active_connections"], 0);
  EXPECT_GE(h["server"]["uptime"].get<double>(), 0.0);
  EXPECT_EQ(h["config"]["sample_rate"], 16000);
  EXPECT_EQ(h["config"]["available_voices"], http_request(server->port(), "GET", "/api/voices").json()["voices"]);
  {
    auto ws = connect(server->port(), "health-count");
    EXPECT_EQ(http_request(server->port(), "GET", "/health").json()["server"]["active_connections"], 1);
  }
}

TEST_F(VoxtralRest, TheVoicesAreTheTtsChainsOwnAndItsMappedNames) {
  const auto v = http_request(server->port(), "GET", "/api/voices").json();
  const std::vector<std::string> voices = v["voices"];
  for (const char *flite : {"slt", "kal16", "awb", "rms"}) {
    EXPECT_NE(std::find(voices.begin(), voices.end(), flite), voices.end()) << "flite's own: " << flite;
  }
  for (const char *named : {"tara", "leo", "dan"}) {
    EXPECT_NE(std::find(voices.begin(), voices.end(), named), voices.end()) << "its voice_map: " << named;
  }
  EXPECT_EQ(v["default"], "tara");
  EXPECT_EQ(v["total"], voices.size());
}

TEST_F(VoxtralRest, StatsCountWhatTheServerDid) {
  const auto before = http_request(server->port(), "GET", "/api/stats").json();
  EXPECT_EQ(before["models"]["voxtral_model"], "scripted");
  EXPECT_EQ(before["models"]["orpheus_model"], "flite");
  EXPECT_TRUE(before["system"]["memory_usage"].get<std::string>().ends_with("%"));
  EXPECT_TRUE(before["system"]["cpu_usage"].get<std::string>().ends_with("%"));
  auto ws = connect(server->port(), "stats-turn");
  ws->send_json({{"type", "text"}, {"text", "Hello, how are you?"}});
  ASSERT_TRUE(ws->until("audio_response"));
  const auto after = http_request(server->port(), "GET", "/api/stats").json();
  EXPECT_GT(after["server"]["total_requests"].get<int>(), before["server"]["total_requests"].get<int>());
  const auto generated = [](const nlohmann::json &s) {
    return std::stod(s["server"]["total_audio_generated"].get<std::string>());
  };
  EXPECT_GT(generated(after), generated(before)) << after;
  EXPECT_EQ(after["server"]["active_connections"], 1);
}

TEST_F(VoxtralRest, TheOpenApiDescriptionNamesEveryDocumentedPathAndIsServedWithItsPages) {
  const auto spec = http_request(server->port(), "GET", "/openapi.json").json();
  ASSERT_TRUE(spec.is_object());
  for (const char *path : {"/health", "/api/voices", "/api/stats", "/", "/docs", "/redoc", "/ws/{session_id}"}) {
    EXPECT_TRUE(spec["paths"].contains(path)) << path;
  }
  for (const char *type : {"audio", "text", "status", "auth"})
    EXPECT_TRUE(spec["x-websocket-messages"]["client"].contains(type));
  for (const char *type :
       {"system", "status", "audio_response", "text_response", "status_response", "error", "warning"}) {
    EXPECT_TRUE(spec["x-websocket-messages"]["server"].contains(type)) << type;
  }
  for (const char *page : {"/docs", "/redoc", "/"}) {
    const auto r = http_request(server->port(), "GET", page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.headers.at("content-type"), "text/html; charset=utf-8") << page;
  }
  EXPECT_NE(http_request(server->port(), "GET", "/").body.find("new WebSocket("), std::string::npos)
      << "the web client talks over the API's WebSocket";
  EXPECT_EQ(http_request(server->port(), "GET", "/openapi-viewer.js").status, 200);
}

TEST(VoxtralHealth, FollowsTheChains) {
  VoxtralServer server(scripted_voxtral_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto control = [&](const std::string &path) {
    return http_request(server.native_port(), "POST", path, "", {{"Content-Type", "application/json"}}).status;
  };
  ASSERT_EQ(control("/providers/tts/flite/force-open"), 200);
  auto r = http_request(server.port(), "GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["status"], "degraded");
  EXPECT_EQ(r.json()["models"]["orpheus_loaded"], false);
  ASSERT_EQ(control("/providers/llm/scripted/force-open"), 200);
  r = http_request(server.port(), "GET", "/health");
  EXPECT_EQ(r.status, 503) << "no answerer: the document's models not loaded";
  EXPECT_EQ(r.json()["status"], "unhealthy");
}

}  // namespace
}  // namespace switchboard::test
