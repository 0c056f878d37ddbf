// Authorization against the real binary: admin routes under every
// spelling, sessions that belong to their subject, tokens that cannot
// reach past the key that started them (docs/security.md).
#include <fstream>

#include "security/security_fixture.hpp"

namespace switchboard::test {
namespace {

struct Authorization : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<VoiceServer>(scripted_providers(), auth_on()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoiceServer> server;
  int port() const { return server->port(); }
};
std::unique_ptr<VoiceServer> Authorization::server;

// A session with a spoken answer: the cache holds its sentences.
void talk(int port, const std::string &session, const std::map<std::string, std::string> &headers) {
  WsClient ws(port, "/voice/" + session, headers);
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  ASSERT_TRUE(ws.until("audio"));
  while (const auto m = ws.until("transcript_update")) {
    if ((*m)["data"]["speaker"] == "assistant") break;
  }
}

TEST_F(Authorization, EveryAdminRouteUnderEverySpellingIsRefusedToAUserAndChangesNothing) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  talk(port(), "admin-owned", key_header(kAdminKey));
  const auto sessions_before = http_request(port(), "GET", "/sessions", "", key_header(kAdminKey)).json()["count"];
  const auto cache_before = http_request(port(), "GET", "/cache/stats", "", key_header(kAdminKey)).body;
  ASSERT_GT(nlohmann::json::parse(cache_before)["entries"].get<int>(), 0);
  // A broken config: a reload that ran would answer 400 "reload refused".
  std::ofstream(server->config(), std::ios::app) << "llm: not a list\n";

  const std::vector<std::pair<std::string, std::vector<std::string>>> routes = {
      {"DELETE",
       {"/cache/clear/", "//cache/clear", "/cache//clear", "/./cache/clear", "/x/../cache/clear", "/%63ache/clear",
        "/cache/clear/.", "/CACHE/clear"}},
      {"DELETE", {"/sessions/cleanup/", "//sessions/cleanup", "/sessions/./cleanup", "/sessions/%63leanup"}},
      {"POST", {"/admin/reload/", "//admin/reload", "/admin//reload", "/admin/x/../reload", "/%61dmin/reload"}},
      {"POST",
       {"//providers/llm/scripted/force-open", "/providers/llm/scripted/force-open/",
        "/providers//llm/scripted/force-open", "/providers/llm/scripted/%66orce-open"}},
      {"POST", {"/providers/llm/reset/", "//providers/llm/reset", "/providers/llm/./reset"}},
      {"POST", {"/providers/llm/scripted/reset/", "/providers/llm//scripted/reset", "/providers/llm/%73cripted/reset"}},
  };
  for (const auto &[method, spellings] : routes) {
    for (const auto &target : spellings) {
      auto headers = key_header(kUserKey);
      headers["Content-Type"] = "application/json";
      const auto reply = http_request(port(), method, target, "", headers);
      EXPECT_TRUE(reply.status == 403 || reply.status == 404 || reply.status == 400)
          << method << " " << target << " answered " << reply.status << " " << reply.body;
      EXPECT_TRUE(reply.json()["detail"].is_string()) << target;
    }
  }
  // Nothing took effect.
  EXPECT_EQ(http_request(port(), "GET", "/sessions", "", key_header(kAdminKey)).json()["count"], sessions_before);
  EXPECT_EQ(http_request(port(), "GET", "/cache/stats", "", key_header(kAdminKey)).body, cache_before);
  const auto providers = http_request(port(), "GET", "/providers", "", key_header(kUserKey)).json();
  EXPECT_EQ(providers["providers"]["llm"]["providers"][0]["circuit"]["state"], "closed");
  // The admin key does reach them, spelled canonically or not.
  const auto admin = http_request(port(), "POST", "//admin/reload/", "",
                                  {{"X-API-Key", kAdminKey}, {"Content-Type", "application/json"}});
  EXPECT_EQ(admin.status, 400) << admin.body;
  EXPECT_NE(admin.body.find("reload refused"), std::string::npos);
}

TEST_F(Authorization, SessionsBelongToTheirSubject) {
  const std::string alice = token_for(port(), "alice");
  const std::string bob = token_for(port(), "bob");
  {
    WsClient ws(port(), "/voice/alice-room?token=" + alice);
    ASSERT_TRUE(ws.until("state_change"));
  }
  const auto mine = http_request(port(), "GET", "/sessions", "", bearer(alice)).json();
  ASSERT_EQ(mine["count"], 1) << mine;
  EXPECT_EQ(mine["sessions"][0]["session_id"], "alice-room");
  EXPECT_EQ(http_request(port(), "GET", "/sessions/alice-room", "", bearer(alice)).status, 200);

  const auto theirs = http_request(port(), "GET", "/sessions", "", bearer(bob)).json();
  ASSERT_TRUE(theirs["sessions"].is_array());
  for (const auto &s : theirs["sessions"]) EXPECT_NE(s["session_id"], "alice-room");
  EXPECT_EQ(http_request(port(), "GET", "/sessions/alice-room", "", bearer(bob)).status, 404);
  EXPECT_EQ(http_request(port(), "DELETE", "/sessions/alice-room", "", bearer(bob)).status, 404);
  int refused = 0;
  WsClient intruder(port(), "/voice/alice-room?token=" + bob, {}, &refused);
  EXPECT_EQ(refused, 404) << "bob cannot attach to alice's session";
  EXPECT_EQ(http_request(port(), "GET", "/sessions/alice-room", "", bearer(alice)).status, 200) << "still there";

  // Admins see every session.
  bool seen = false;
  const auto everyone = http_request(port(), "GET", "/sessions", "", key_header(kAdminKey));
  const auto all = everyone.json();
  for (const auto &s : all["sessions"]) {
    seen = seen || s["session_id"] == "alice-room";
  }
  EXPECT_TRUE(seen) << everyone.status << " " << everyone.body;
  EXPECT_EQ(http_request(port(), "DELETE", "/sessions/alice-room", "", bearer(alice)).status, 200);
}

TEST_F(Authorization, ASecondConnectionTakesTheSessionAndTheFirstIsToldAndClosed) {
  const std::string carol = token_for(port(), "carol");
  WsClient first(port(), "/voice/carol-room", bearer(carol));
  ASSERT_TRUE(first.until("state_change"));
  WsClient second(port(), "/voice/carol-room", bearer(carol));
  ASSERT_TRUE(second.until("state_change"));
  const auto told = first.until("error");
  ASSERT_TRUE(told) << "the first connection hears why it lost the session";
  EXPECT_EQ((*told)["code"], "session_replaced");
  while (first.next(std::chrono::seconds(5))) {
  }
  EXPECT_EQ(first.close_code(), 4409);
  second.send_json({{"type", "text"}, {"data", "hello"}});
  EXPECT_TRUE(second.until("audio")) << "the new connection has the session";
}

TEST_F(Authorization, ATokenMintsOnlyForItselfAndNeverPastItsOwnExpiry) {
  const auto first = http_request(port(), "POST", "/auth/token", R"({"user_id":"dave"})", key_header(kUserKey)).json();
  const std::string dave = first["token"];
  const auto other = http_request(port(), "POST", "/auth/token", R"({"user_id":"erin"})", bearer(dave));
  EXPECT_EQ(other.status, 403) << other.body;
  const auto again = http_request(port(), "POST", "/auth/token", R"({"user_id":"dave"})", bearer(dave));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_LE(again.json()["expires_at"].get<long>(), first["expires_at"].get<long>());
  EXPECT_EQ(again.json()["role"], "user");
  const auto no_id = http_request(port(), "POST", "/auth/token", "", bearer(dave));
  EXPECT_EQ(no_id.json()["user_id"], "dave") << "a token's own subject by default";
  EXPECT_EQ(http_request(port(), "POST", "/auth/token", R"({"user_id":"key:ops"})", key_header(kUserKey)).status, 400)
      << "no user may take a key's name";
}

TEST(Tokens, AnotherAudienceRefusesThemAndAKeyRemovedByReloadTakesItsTokens) {
  VoiceServer here(scripted_providers(), auth_on());
  VoiceServer elsewhere(scripted_providers(), auth_on("", ", audience: another-api"));
  ASSERT_TRUE(here.ready() && elsewhere.ready());
  const std::string token = token_for(here.port(), "frank");
  EXPECT_EQ(http_request(here.port(), "GET", "/sessions", "", bearer(token)).status, 200);
  EXPECT_EQ(http_request(elsewhere.port(), "GET", "/sessions", "", bearer(token)).status, 401)
      << "same secret, another audience";
  // The user key goes; its tokens go with it.
  std::string text = read_file(here.config());
  const std::string app = ", {name: app, key: " + kUserKey + ", role: user}";
  ASSERT_NE(text.find(app), std::string::npos);
  text.erase(text.find(app), app.size());
  std::ofstream(here.config()) << text;
  const auto reload = http_request(here.port(), "POST", "/admin/reload", "",
                                   {{"X-API-Key", kAdminKey}, {"Content-Type", "application/json"}});
  ASSERT_EQ(reload.status, 200) << reload.body;
  const auto after = http_request(here.port(), "GET", "/sessions", "", bearer(token));
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json()["detail"], "Token revoked: its key is gone");
}

}  // namespace
}  // namespace switchboard::test
