// API keys and tokens: who gets in, with which role.
#include "auth.hpp"

#include <gtest/gtest.h>

#include "rate_limiter.hpp"

namespace voice_api {
namespace {

using switchboard::server::Request;

Auth make(std::chrono::seconds ttl = std::chrono::seconds(3600)) {
  AuthSettings s;
  s.enabled = true;
  s.keys = {{"ops", "admin-key-123456", Role::admin}, {"app", "user-key-1234567", Role::user}};
  s.jwt_secret = "a-secret-of-at-least-16";
  s.token_ttl = ttl;
  return Auth(s);
}

Request with_header(const std::string &name, const std::string &value) {
  Request r;
  r.headers[name] = value;
  return r;
}

TEST(Auth, KeysFromAHeaderBearerOrQueryCarryTheirRole) {
  const Auth auth = make();
  EXPECT_EQ(auth.identify(with_header("x-api-key", "admin-key-123456")).role, Role::admin);
  EXPECT_EQ(auth.identify(with_header("authorization", "Bearer user-key-1234567")).role, Role::user);
  Request q;
  q.query["api_key"] = "user-key-1234567";
  EXPECT_EQ(auth.identify(q).subject, "app");
  EXPECT_EQ(auth.identify(with_header("x-api-key", "user-key-1234568")).role, Role::none);
  EXPECT_EQ(auth.identify(Request{}).error, "Not authenticated");
}

TEST(Auth, TokensAreSignedExpireAndCannotBeAltered) {
  const Auth auth = make();
  long expires = 0;
  const std::string token = auth.issue("u1", Role::user, expires);
  const auto who = auth.identify(with_header("authorization", "Bearer " + token));
  EXPECT_EQ(who.role, Role::user);
  EXPECT_EQ(who.subject, "u1");
  // Another secret, a changed payload, an unsigned token: refused.
  AuthSettings other;
  other.jwt_secret = "another-secret-0000";
  EXPECT_EQ(Auth(other).identify(with_header("authorization", "Bearer " + token)).role, Role::none);
  std::string altered = token;
  altered[token.find('.') + 3] ^= 1;
  EXPECT_EQ(auth.identify(with_header("authorization", "Bearer " + altered)).role, Role::none);
  const std::string unsigned_token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + token.substr(token.find('.') + 1, token.rfind('.') - token.find('.'));
  EXPECT_EQ(auth.identify(with_header("authorization", "Bearer " + unsigned_token)).role, Role::none);
  // Expired.
  const Auth short_lived = make(std::chrono::seconds(-1));
  const std::string old = short_lived.issue("u2", Role::admin, expires);
  EXPECT_EQ(short_lived.identify(with_header("authorization", "Bearer " + old)).error, "Token expired");
}

TEST(RateLimiter, BurstsUpToTheLimitThenRefusesWithTheWait) {
  RateLimiter limiter(60);  // one a second, bursts of 60
  const auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.allow("1.2.3.4", t0, retry)) << i;
  EXPECT_FALSE(limiter.allow("1.2.3.4", t0, retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.allow("5.6.7.8", t0, retry)) << "each client has its own bucket";
  EXPECT_TRUE(limiter.allow("1.2.3.4", t0 + std::chrono::seconds(1), retry)) << "refilled";
  RateLimiter off(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.allow("x", t0, retry));
}

}  // namespace
}  // namespace voice_api
