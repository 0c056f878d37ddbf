// A server on loopback with auth off is still not open to every web page:
// foreign Origins and cross-site "simple" requests change nothing, a Host
// that names another site (DNS rebinding) is refused, and credentials in a
// URL work on the WebSocket upgrade only and never reach a log line.
#include "security/security_fixture.hpp"

namespace switchboard::test {
namespace {

const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

std::string circuit(int port) {
  return http_request(port, "GET", "/providers").json()["providers"]["llm"]["providers"][0]["circuit"]["state"];
}

TEST(CrossSite, AForeignOriginChangesNothingEvenWithAuthOff) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  {
    WsClient ws(port, "/voice/kept");
    ASSERT_TRUE(ws.until("state_change"));
  }
  const std::map<std::string, std::string> evil = {{"Origin", "https://evil.example"},
                                                   {"Content-Type", "application/json"}};
  EXPECT_EQ(http_request(port, "DELETE", "/sessions/cleanup", "", evil).status, 403);
  EXPECT_EQ(http_request(port, "DELETE", "/sessions/kept", "", evil).status, 403);
  EXPECT_EQ(http_request(port, "POST", "/providers/llm/scripted/force-open", "", evil).status, 403);
  EXPECT_EQ(http_request(port, "GET", "/sessions/kept").status, 200) << "the session is still there";
  EXPECT_EQ(circuit(port), "closed");
  // A page's form or fetch without a preflight: no Origin on old browsers,
  // and a content type a form can send.
  EXPECT_EQ(http_request(port, "POST", "/providers/llm/scripted/force-open", "a=b",
                         {{"Content-Type", "application/x-www-form-urlencoded"}})
                .status,
            403);
  EXPECT_EQ(
      http_request(port, "POST", "/providers/llm/scripted/force-open", "", {{"Sec-Fetch-Site", "cross-site"}}).status,
      403);
  EXPECT_EQ(http_request(port, "POST", "/providers/llm/scripted/force-open").status, 403)
      << "a bare POST could come from a cross-site form";
  EXPECT_EQ(circuit(port), "closed");
  // What a script of the allowed origin, or a client that says JSON, sends.
  EXPECT_EQ(http_request(port, "POST", "/providers/llm/scripted/force-open", "", kJson).status, 200);
  EXPECT_EQ(circuit(port), "open");
  EXPECT_EQ(http_request(port, "POST", "/providers/llm/reset", "",
                         {{"Origin", "http://localhost:3000"}, {"X-Requested-With", "fetch"}})
                .status,
            200);
  EXPECT_EQ(circuit(port), "closed");
  // A foreign page's WebSocket is refused at the upgrade.
  int refused = 0;
  WsClient hijack(port, "/voice/kept", {{"Origin", "https://evil.example"}}, &refused);
  EXPECT_EQ(refused, 403);
}

TEST(CrossSite, AHostThatNamesAnotherSiteIsRefused) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready());
  const std::string at = ":" + std::to_string(server.port());
  const auto rebound = http_request(server.port(), "GET", "/sessions", "", {{"Host", "evil.example" + at}});
  EXPECT_EQ(rebound.status, 421);
  EXPECT_TRUE(rebound.json()["detail"].is_string());
  EXPECT_EQ(http_request(server.port(), "GET", "/sessions", "", {{"Host", "localhost" + at}}).status, 200);
  int refused = 0;
  WsClient ws(server.port(), "/voice/rebound", {{"Host", "evil.example" + at}}, &refused);
  EXPECT_EQ(refused, 421);
}

TEST(CrossSite, CredentialsInAUrlOnlyOnTheUpgradeAndNeverInALog) {
  VoiceServer server(scripted_providers(), auth_on("access_log: true"));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto rest = http_request(server.port(), "GET", "/sessions?api_key=" + kUserKey);
  EXPECT_EQ(rest.status, 400);
  EXPECT_NE(rest.json()["detail"].get<std::string>().find("WebSocket"), std::string::npos);
  const std::string token = token_for(server.port(), "gina");
  EXPECT_EQ(http_request(server.port(), "GET", "/sessions?token=" + token).status, 400);
  {
    WsClient ws(server.port(), "/voice/gina-room?token=" + token);
    ASSERT_TRUE(ws.until("state_change"));
    WsClient by_key(server.port(), "/voice/app-room?api_key=" + kUserKey);
    ASSERT_TRUE(by_key.until("state_change"));
  }
  // The access log has the upgrade, with what identified it redacted.
  const auto line = server.process().wait_for("GET /voice/app-room\\?api_key=\\[redacted\\] 101");
  EXPECT_FALSE(line.empty());
  const std::string log = server.process().out() + server.process().err();
  EXPECT_EQ(log.find(kUserKey), std::string::npos) << "the key is in a log line";
  EXPECT_EQ(log.find(token), std::string::npos) << "the token is in a log line";
}

}  // namespace
}  // namespace switchboard::test
