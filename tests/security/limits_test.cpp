// Limits that hold: keys long enough to be secret, per-address limits that
// believe only trusted proxies, per-subject limits on WebSocket messages and
// live sessions, session ids the API can always show again.
#include "security/security_fixture.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"

#include <fstream>
#include <thread>

namespace switchboard::test {
namespace {

TEST(Keys, AShortKeyOrSecretIsRefusedAtStartup) {
  const auto config = scratch_file("security", "short-keys", ".yaml");
  std::ofstream(config) << scripted_providers() +
                               "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: "
                               "\"127.0.0.1:0\", config: {auth: {enabled: true, jwt_secret: short-secret-1234, "
                               "api_keys: [{name: ops, key: admin-key-123456, role: admin}]}}}\n";
  const auto checked = run(SWITCHBOARD_BINARY, {"check", "--config", config.string()});
  EXPECT_NE(checked.code, 0);
  EXPECT_NE(checked.err.find("at least 32 characters"), std::string::npos) << checked.err;
  const auto started = run(SWITCHBOARD_BINARY, {"--config", config.string()});
  EXPECT_NE(started.code, 0) << "the server does not start with it";
}

int status_from(int port, const std::string &forwarded_for) {
  return http_request(port, "GET", "/sessions", "", {{"X-Forwarded-For", forwarded_for}}).status;
}

TEST(ProxyLimits, OnlyATrustedProxyIsBelievedAboutItsClient) {
  VoiceServer trusting(scripted_providers(), "{trusted_proxies: [127.0.0.1/32], limits: {requests_per_minute: 3}}");
  VoiceServer wary(scripted_providers(), "{limits: {requests_per_minute: 3}}");
  ASSERT_TRUE(trusting.ready() && wary.ready());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(status_from(trusting.port(), "198.51.100.1"), 200) << i;
  EXPECT_EQ(status_from(trusting.port(), "198.51.100.1"), 429);
  EXPECT_EQ(status_from(trusting.port(), "6.6.6.6, 198.51.100.2"), 200) << "another client behind the proxy";
  EXPECT_EQ(status_from(trusting.port(), "198.51.100.1"), 429) << "a forged first entry does not help";
  // Not trusted: X-Forwarded-For is the client's own claim and changes nothing.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(status_from(wary.port(), "198.51.100." + std::to_string(i)), 200) << i;
  EXPECT_EQ(status_from(wary.port(), "198.51.100.9"), 429);
}

// Bogus messages (each answered with an error) until `count` answers came.
int rate_limited_of(WsClient &ws, int count) {
  for (int i = 0; i < count; ++i) ws.send_json({{"type", "bogus"}});
  int limited = 0;
  for (int i = 0; i < count; ++i) {
    const auto e = ws.until("error", {}, std::chrono::seconds(10));
    if (!e) break;
    if ((*e)["code"] == "rate_limited") ++limited;
  }
  return limited;
}

TEST(MessageLimits, AKeysSocketsShareOneLimit) {
  VoiceServer server(scripted_providers(), auth_on("limits: {messages_per_second: 1000, message_burst: 1000, "
                                                   "messages_per_second_per_subject: 5}"));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const std::string hana = token_for(server.port(), "hana");
  WsClient a(server.port(), "/voice/hana-1", bearer(hana));
  WsClient b(server.port(), "/voice/hana-2", bearer(hana));
  ASSERT_TRUE(a.until("state_change") && b.until("state_change"));
  // A burst of 10 for the subject: 30 messages over two sockets overrun it,
  // though each socket alone is far under its own limit.
  const int limited = rate_limited_of(a, 15) + rate_limited_of(b, 15);
  EXPECT_GE(limited, 10);
  const std::string ivan = token_for(server.port(), "ivan");
  WsClient c(server.port(), "/voice/ivan-1", bearer(ivan));
  ASSERT_TRUE(c.until("state_change"));
  EXPECT_EQ(rate_limited_of(c, 3), 0) << "another subject has its own";
}

TEST(SessionLimits, LiveSessionsAreCappedPerSubjectAndInAll) {
  VoiceServer server(scripted_providers(), auth_on("limits: {max_sessions: 3, max_sessions_per_subject: 2}"));
  ASSERT_TRUE(server.ready());
  const int port = server.port();
  const std::string jo = token_for(port, "jo");
  WsClient one(port, "/voice/jo-1", bearer(jo));
  WsClient two(port, "/voice/jo-2", bearer(jo));
  ASSERT_TRUE(one.until("state_change") && two.until("state_change"));
  int refused = 0;
  WsClient three(port, "/voice/jo-3", bearer(jo), &refused);
  EXPECT_EQ(refused, 429);
  WsClient kim(port, "/voice/kim-1", bearer(token_for(port, "kim")));
  ASSERT_TRUE(kim.until("state_change"));
  refused = 0;
  WsClient lee(port, "/voice/lee-1", bearer(token_for(port, "lee")), &refused);
  EXPECT_EQ(refused, 503);
  // A socket that goes gives its place back.
  one.close();
  bool admitted = false;
  for (int i = 0; i < 50 && !admitted; ++i) {
    refused = 0;
    WsClient again(port, "/voice/jo-4", bearer(jo), &refused);
    admitted = refused == 0 && again.until("state_change").has_value();
    // The server counts the socket out once its close has run there, a
    // moment after the client's close returns: asked again, bounded.
    if (!admitted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(admitted);
}

TEST(SessionIds, OnlyWellFormedIdsAndNoneBreaksTheListForOthers) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready());
  const int port = server.port();
  for (const std::string &bad : std::vector<std::string>{"%FF", std::string(129, 'a'), "a%20b", "a%22b", "%C3%28"}) {
    int refused = 0;
    WsClient ws(port, "/voice/" + bad, {}, &refused);
    EXPECT_TRUE(refused == 400) << bad << " answered " << refused;
  }
  EXPECT_EQ(http_request(port, "GET", "/sessions/" + std::string(129, 'a')).status, 400);
  WsClient good(port, "/voice/" + std::string(128, 'a'));
  ASSERT_TRUE(good.until("state_change"));
  WsClient uuid(port, "/voice/0b7e6f8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  ASSERT_TRUE(uuid.until("state_change"));
  const auto list = http_request(port, "GET", "/sessions");
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json()["count"], 2);
}

}  // namespace
}  // namespace switchboard::test
