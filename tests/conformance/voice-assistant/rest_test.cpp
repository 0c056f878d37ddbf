// Every REST endpoint of ../shared/apis/voice-assistant.md against the real
// binary, with the documented shapes and status codes, and what the
// transport adds for operators.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace switchboard::test {
namespace {

// A state-changing POST says it is not a cross-site form (docs/security.md).
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

struct Rest : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<VoiceServer>(scripted_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static HttpReply call(const std::string &method, const std::string &target, const std::string &body = "",
                        const std::map<std::string, std::string> &headers = {}) {
    return http_request(server->port(), method, target, body, headers);
  }
  static std::unique_ptr<VoiceServer> server;
};
std::unique_ptr<VoiceServer> Rest::server;

TEST_F(Rest, InfoAndHealth) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const auto info = call("GET", "/").json();
  EXPECT_EQ(info, (nlohmann::json{{"status", "ok"}, {"version", "1.0.0"}, {"message", "Voice Assistant API"}}));
  const auto health = call("GET", "/health");
  EXPECT_EQ(health.status, 200);
  const auto h = health.json();
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_TRUE(h["timestamp"].is_string());
  EXPECT_TRUE(h["active_sessions"].is_number_integer());
  EXPECT_EQ(h["providers"], (nlohmann::json{{"stt", "healthy"}, {"llm", "healthy"}, {"tts", "healthy"}}));
}

TEST_F(Rest, ProvidersAndTheirReset) {
  const auto p = call("GET", "/providers").json();
  const std::map<std::string, std::string> current = {{"stt", "scripted"}, {"llm", "scripted"}, {"tts", "tone"}};
  for (const auto &[kind, name] : current) {
    EXPECT_EQ(p["providers"][kind]["provider_type"], kind);
    EXPECT_EQ(p["providers"][kind]["current_provider"], name);
    EXPECT_EQ(p["summary"][kind]["current"], name);
    EXPECT_TRUE(p["providers"][kind]["fallback_count"].is_number());
    const auto &first = p["providers"][kind]["providers"][0];
    EXPECT_EQ(first["priority"], 0);
    EXPECT_EQ(first["circuit"]["state"], "closed");
    EXPECT_EQ(p["summary"][kind]["available_count"], 1);
  }
  // Beyond the document: one provider forced open, then the documented reset closes it.
  EXPECT_EQ(call("POST", "/providers/llm/scripted/force-open", "", kJson).status, 200);
  EXPECT_EQ(call("GET", "/providers").json()["providers"]["llm"]["providers"][0]["circuit"]["state"], "open");
  EXPECT_EQ(call("GET", "/health").json()["providers"]["llm"], "unhealthy");
  const auto reset = call("POST", "/providers/llm/reset", "", kJson);
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(reset.json()["provider_type"], "llm");
  EXPECT_EQ(call("GET", "/providers").json()["providers"]["llm"]["providers"][0]["circuit"]["state"], "closed");
  const auto bad = call("POST", "/providers/video/reset", "", kJson);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.json()["detail"].is_string());
  EXPECT_EQ(call("POST", "/providers/llm/nobody/reset", "", kJson).status, 404);
}

TEST_F(Rest, SessionsListGetDeleteAndCleanup) {
  {
    WsClient ws(server->port(), "/voice/rest-session-1");
    ASSERT_TRUE(ws.until("state_change"));
    ws.send_json({{"type", "text"}, {"data", "hello"}});
    ASSERT_TRUE(ws.until("transcript_update", {}, std::chrono::seconds(20)));
  }
  const auto list = call("GET", "/sessions").json();
  EXPECT_GE(list["count"].get<int>(), 1);
  bool found = false;
  for (const auto &s : list["sessions"]) {
    found = found || s["session_id"] == "rest-session-1";
    EXPECT_TRUE(s["created_at"].is_string());
    EXPECT_TRUE(s["last_activity"].is_string());
  }
  EXPECT_TRUE(found) << list.dump();
  const auto one = call("GET", "/sessions/rest-session-1");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.json()["session_id"], "rest-session-1");
  EXPECT_GE(one.json()["history"].size(), 1U);
  EXPECT_EQ(call("DELETE", "/sessions/rest-session-1").json()["status"], "deleted");
  const auto gone = call("GET", "/sessions/rest-session-1");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json(), (nlohmann::json{{"detail", "Session not found"}}));
  EXPECT_EQ(call("DELETE", "/sessions/rest-session-1").status, 404);
  {
    WsClient other(server->port(), "/voice/rest-session-2");
    ASSERT_TRUE(other.until("state_change"));
  }
  const auto cleanup = call("DELETE", "/sessions/cleanup");
  EXPECT_EQ(cleanup.status, 200);
  EXPECT_GE(cleanup.json()["deleted"].get<int>(), 1);
  EXPECT_EQ(call("GET", "/sessions").json()["count"], 0);
}

TEST_F(Rest, MetricsInJsonAndPrometheusAndRecent) {
  const auto m = call("GET", "/metrics").json();
  for (const char *key : {"session_count", "total_requests", "average_latency_ms", "error_rate"}) {
    EXPECT_TRUE(m[key].is_number()) << key;
  }
  for (const char *kind : {"stt", "llm", "tts"}) {
    EXPECT_TRUE(m["provider_stats"][kind]["requests"].is_number());
    EXPECT_TRUE(m["provider_stats"][kind]["errors"].is_number());
  }
  const auto text = call("GET", "/metrics", "", {{"Accept", "text/plain"}});
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.headers.at("content-type").rfind("text/plain", 0), 0U);
  EXPECT_NE(text.body.find("# TYPE switchboard_sessions gauge"), std::string::npos) << text.body;
  const auto prometheus = call("GET", "/metrics/prometheus");
  EXPECT_EQ(prometheus.status, 200);
  EXPECT_NE(prometheus.body.find("switchboard_sessions "), std::string::npos) << prometheus.body;
  const auto recent = call("GET", "/metrics/recent").json();
  EXPECT_EQ(recent["window_seconds"], 60);
  EXPECT_TRUE(recent["turns"].is_number());
}

TEST_F(Rest, CacheStatsAndClear) {
  const auto stats = call("GET", "/cache/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_TRUE(stats.json()["entries"].is_number());
  const auto cleared = call("DELETE", "/cache/clear");
  EXPECT_EQ(cleared.status, 200);
  EXPECT_EQ(cleared.json()["status"], "ok");
  EXPECT_EQ(call("GET", "/cache/stats").json()["entries"], 0);
}

TEST_F(Rest, AuthTokenIsASignedJwt) {
  const auto t = call("POST", "/auth/token", R"({"user_id":"user-123"})");
  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(t.json()["user_id"], "user-123");
  const std::string token = t.json()["token"];
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  const auto header = nlohmann::json::parse(base64_decode(token.substr(0, token.find('.'))), nullptr, false);
  EXPECT_EQ(header["alg"], "HS256");
  const auto anonymous = call("POST", "/auth/token");
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_FALSE(anonymous.json()["user_id"].get<std::string>().empty());
  EXPECT_EQ(call("POST", "/auth/token", "[1,2]").status, 400);
}

TEST_F(Rest, ErrorsUseDetailWithTheDocumentedCodes) {
  const auto missing = call("GET", "/no/such/thing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json(), (nlohmann::json{{"detail", "Not Found"}}));
  EXPECT_EQ(call("POST", "/health").status, 405);
  EXPECT_TRUE(call("POST", "/health").json()["detail"].is_string());
}

TEST_F(Rest, OpenApiDescribesEveryPath) {
  const auto doc = call("GET", "/openapi.json").json();
  EXPECT_EQ(doc["openapi"].get<std::string>().rfind("3.", 0), 0U);
  for (const char *path : {"/", "/health", "/providers", "/providers/{provider_type}/reset", "/sessions",
                           "/sessions/{session_id}", "/sessions/cleanup", "/metrics", "/metrics/recent", "/cache/stats",
                           "/cache/clear", "/auth/token", "/voice/{session_id}"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
}

TEST_F(Rest, CorsAllowsTheConfiguredOriginOnly) {
  const auto allowed = call("GET", "/health", "", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(allowed.headers.at("access-control-allow-origin"), "http://localhost:3000");
  const auto other = call("GET", "/health", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(other.headers.count("access-control-allow-origin"), 0U);
  const auto preflight = call("OPTIONS", "/sessions/abc", "",
                              {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "DELETE"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_NE(preflight.headers.at("access-control-allow-methods").find("DELETE"), std::string::npos);
  EXPECT_EQ(call("OPTIONS", "/sessions", "", {{"Origin", "http://evil.example"}}).status, 403);
}

}  // namespace
}  // namespace switchboard::test
