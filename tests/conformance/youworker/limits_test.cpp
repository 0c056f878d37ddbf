// Auth and limits as documented: X-API-Key, ?api_key= and ROOT_API_KEY;
// 401 in the API's error body; X-RateLimit-* on every answer and 429 with
// the documented body past 100 requests a minute.
#include <gtest/gtest.h>

#include "conformance/rate_limit.hpp"
#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

const char *kRoot = "root-key-0123456789abcdef0123456789abcdef";
const char *kUser = "user-key-0123456789abcdef0123456789abcdef";

TEST(YouWorkerAuth, KeysByHeaderOrQueryAndTheRootKeyFromTheEnvironment) {
  YouWorkerServer server(
      youworker_providers(),
      std::string("{auth: {enabled: true, api_keys: [{name: app, key: ") + kUser + ", role: user}]}}",
      {{"ROOT_API_KEY", kRoot}});
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  const auto none = http_request(port, "GET", "/v1/sessions");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.json()["status_code"], 401);
  EXPECT_TRUE(none.json()["detail"].is_string());
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions", "", {{"X-API-Key", kUser}}).status, 200);
  EXPECT_EQ(http_request(port, "GET", std::string("/v1/sessions?api_key=") + kUser).status, 200);
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions", "", {{"X-API-Key", kRoot}}).status, 200) << "ROOT_API_KEY";
  EXPECT_EQ(http_request(port, "GET", "/health").status, 200) << "health is open";

  // Each key sees its own sessions; the root key sees every one.
  ASSERT_EQ(post_json(port, "/v1/chat/unified", {{"text_input", "Hi"}, {"session_id", "mine"}}, {{"X-API-Key", kUser}})
                .status,
            200);
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions", "", {{"X-API-Key", kUser}}).json()["total"], 1);
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions/mine/messages", "", {{"X-API-Key", kRoot}}).status, 200);
}

TEST(YouWorkerAuth, ABearerJwtSignedWithTheSharedSecretIsTaken) {
  // The native API issues the token; both transports share the secret and
  // the audience, so it is good on both.
  const std::string auth = std::string(
                               "{auth: {enabled: true, jwt_secret: jwt-secret-0123456789abcdef0123456789, "
                               "audience: switchboard-apis, api_keys: [{name: app, key: ") +
                           kUser + ", role: user}]}}";
  YouWorkerServer server(youworker_providers(), auth, {}, auth);
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto issued = http_request(server.native_port(), "POST", "/auth/token", R"({"user_id":"ann"})",
                                   {{"X-API-Key", kUser}, {"Content-Type", "application/json"}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string token = issued.json()["token"];
  const int port = server.port();
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions", "", {{"Authorization", "Bearer " + token}}).status, 200);
  const auto forged = http_request(port, "GET", "/v1/sessions", "", {{"Authorization", "Bearer " + token + "x"}});
  EXPECT_EQ(forged.status, 401);
  EXPECT_EQ(forged.json()["status_code"], 401);
  // The WebSocket takes it as ?token=, as documented.
  WsClient ws(port, "/chat/jwt-session?token=" + token);
  const auto welcome = ws.next();
  ASSERT_TRUE(welcome);
  EXPECT_EQ((*welcome)["type"], "system");
  int refused = 0;
  WsClient bad(port, "/chat/jwt-session?token=nope", {}, &refused);
  EXPECT_EQ(refused, 401);
}

TEST(YouWorkerAuth, AShortRootKeyIsRefusedAtStart) {
  YouWorkerServer server(youworker_providers(), "{}", {{"ROOT_API_KEY", "short"}});
  EXPECT_EQ(server.port(), 0) << "the transport did not listen";
  EXPECT_NE(server.process().err().find("ROOT_API_KEY must be at least 32 characters"), std::string::npos)
      << server.process().err();
}

TEST(YouWorkerLimits, EveryAnswerSaysWhatIsLeftAndTheHundredAndFirstIsRefused) {
  YouWorkerServer server(youworker_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto burst = until_refused(server.port(), "/health", 100);
  // The hundred-and-first, or a few more if the machine was slow enough for
  // the bucket to refill while the hundred ran.
  ASSERT_GE(burst.allowed.size(), 100u);
  EXPECT_LE(burst.allowed.size(), 100u + burst.refilled_at_most);
  int last_remaining = 100;
  for (std::size_t i = 0; i < burst.allowed.size(); ++i) {
    const auto &r = burst.allowed[i];
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.headers.at("x-ratelimit-limit"), "100");
    const int remaining = std::stoi(r.headers.at("x-ratelimit-remaining"));
    EXPECT_LE(remaining, last_remaining + burst.refilled_at_most) << i;
    EXPECT_GE(remaining, 0) << i;
    last_remaining = remaining;
    EXPECT_GT(std::stoll(r.headers.at("x-ratelimit-reset")), 1700000000LL);
  }
  EXPECT_EQ(std::stoi(burst.allowed.front().headers.at("x-ratelimit-remaining")), 99);
  EXPECT_EQ(last_remaining, 0);
  const auto &refused = burst.refused;
  ASSERT_EQ(refused.status, 429);
  EXPECT_TRUE(std::regex_match(refused.json()["detail"].get<std::string>(),
                               std::regex("Rate limit exceeded\\. Try again in [0-9]+ seconds\\.")))
      << refused.body;
  EXPECT_EQ(refused.json()["status_code"], 429);
  EXPECT_EQ(refused.headers.at("x-ratelimit-remaining"), "0");
}

}  // namespace
}  // namespace switchboard::test
