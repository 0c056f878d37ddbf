// API keys and tokens: who gets in, with which role, for how long.
#include "switchboard/server/auth.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

const std::string kAdminKey = "admin-key-0123456789abcdef0123456789";
const std::string kUserKey = "user-key-0123456789abcdef0123456789ab";

AuthSettings settings(std::chrono::seconds ttl = std::chrono::seconds(3600)) {
  AuthSettings s;
  s.enabled = true;
  s.keys = {{"ops", kAdminKey, Role::admin}, {"app", kUserKey, Role::user}};
  s.jwt_secret = "a-secret-of-at-least-thirty-two-chars";
  s.token_ttl = ttl;
  s.audience = "voice-api";
  return s;
}

Request bearer(const std::string &credential) {
  Request r;
  r.headers["authorization"] = "Bearer " + credential;
  return r;
}

Identity who(const Auth &auth, const std::string &credential) {
  return auth.identify(bearer(credential), CredentialSources::headers);
}

TEST(Auth, KeysFromAHeaderOrBearerCarryTheirRole) {
  const Auth auth(settings());
  Request header;
  header.headers["x-api-key"] = kAdminKey;
  EXPECT_EQ(auth.identify(header, CredentialSources::headers).role, Role::admin);
  EXPECT_EQ(who(auth, kUserKey).role, Role::user);
  EXPECT_EQ(who(auth, kUserKey).subject, "key:app");
  EXPECT_EQ(who(auth, kUserKey.substr(0, kUserKey.size() - 1) + "c").role, Role::none);
  EXPECT_EQ(auth.identify(Request{}, CredentialSources::headers).error, "Not authenticated");
}

TEST(Auth, KeysInTheUrlOnlyWhereTheRouteAllowsThem) {
  const Auth auth(settings());
  Request q;
  q.query["api_key"] = kUserKey;
  EXPECT_EQ(auth.identify(q, CredentialSources::headers).role, Role::none);
  EXPECT_EQ(auth.identify(q, CredentialSources::headers_and_url).role, Role::user);
  EXPECT_TRUE(has_url_credentials(q));
  EXPECT_EQ(redacted_target("/voice/s1?api_key=" + kUserKey + "&x=1&token=abc.def.ghi"),
            "/voice/s1?api_key=[redacted]&x=1&token=[redacted]");
  EXPECT_EQ(redacted_target("/voice/s1?api%5Fkey=secret"), "/voice/s1?api%5Fkey=[redacted]");
  EXPECT_EQ(redacted_target("/health"), "/health");
}

TEST(Auth, SameSecretComparesWithoutRegardToWhereOrHowLong) {
  EXPECT_TRUE(same_secret("abcdef", "abcdef"));
  EXPECT_FALSE(same_secret("abcdef", "abcdeg"));
  EXPECT_FALSE(same_secret("abcdef", "abcde"));
  EXPECT_FALSE(same_secret("abcdef", "abcdefabcdef")) << "a repeat of the key is not the key";
  EXPECT_FALSE(same_secret("", "x"));
  EXPECT_FALSE(same_secret("abc", ""));
}

TEST(Auth, TokensAreSignedExpireAndCannotBeAltered) {
  const Auth auth(settings());
  std::int64_t expires = 0;
  const std::string token = auth.issue(who(auth, kUserKey), "u1", Role::user, expires);
  const auto u1 = who(auth, token);
  EXPECT_EQ(u1.role, Role::user);
  EXPECT_EQ(u1.subject, "u1");
  EXPECT_EQ(u1.key, "app");
  EXPECT_EQ(u1.expires, expires);
  // Another secret, a changed payload, an unsigned token: refused.
  auto other = settings();
  other.jwt_secret = "another-secret-of-thirty-two-chars!!";
  EXPECT_EQ(who(Auth(other), token).role, Role::none);
  std::string altered = token;
  altered[token.find('.') + 3] ^= 1;
  EXPECT_EQ(who(auth, altered).role, Role::none);
  const std::string unsigned_token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + token.substr(token.find('.') + 1, token.rfind('.') - token.find('.'));
  EXPECT_EQ(who(auth, unsigned_token).role, Role::none);
  const Auth short_lived(settings(std::chrono::seconds(-1)));
  const std::string old = short_lived.issue(who(short_lived, kAdminKey), "u2", Role::admin, expires);
  EXPECT_EQ(who(short_lived, old).error, "Token expired");
}

TEST(Auth, IssuerAndAudienceMustMatch) {
  const Auth auth(settings());
  std::int64_t expires = 0;
  const std::string token = auth.issue(who(auth, kUserKey), "u1", Role::user, expires);
  auto elsewhere = settings();
  elsewhere.audience = "another-api";
  EXPECT_EQ(who(Auth(elsewhere), token).role, Role::none);
  auto other_issuer = settings();
  other_issuer.issuer = "someone-else";
  EXPECT_EQ(who(Auth(other_issuer), token).role, Role::none);
}

TEST(Auth, ATokenMintsOnlyForItselfAndNeverOutlivesItsChain) {
  auto s = settings(std::chrono::seconds(100));
  const Auth auth(s);
  std::int64_t first_expires = 0;
  const auto first = who(auth, auth.issue(who(auth, kUserKey), "alice", Role::user, first_expires));
  EXPECT_THROW(auth.issue(first, "bob", Role::user, first_expires), std::invalid_argument);
  EXPECT_THROW(auth.issue(first, "alice", Role::admin, first_expires), std::invalid_argument);
  // A longer ttl (after a reload) does not extend a chain.
  s.token_ttl = std::chrono::seconds(100000);
  const Auth longer(s);
  std::int64_t second_expires = 0;
  const auto second = who(longer, longer.issue(first, "alice", Role::user, second_expires));
  EXPECT_EQ(second.role, Role::user);
  EXPECT_LE(second_expires, first_expires);
  EXPECT_THROW(auth.issue(who(auth, kUserKey), "key:ops", Role::user, first_expires), std::invalid_argument);
}

TEST(Auth, AKeyRemovedTakesItsTokensWithItAndAUserKeyCannotMintAdmins) {
  auto s = settings();
  const Auth auth(s);
  std::int64_t expires = 0;
  const std::string by_app = auth.issue(who(auth, kUserKey), "u1", Role::user, expires);
  EXPECT_THROW(auth.issue(who(auth, kUserKey), "u1", Role::admin, expires), std::invalid_argument);
  s.keys.pop_back();  // "app" removed by a reload
  const Identity after = who(Auth(s), by_app);
  EXPECT_EQ(after.role, Role::none);
  EXPECT_EQ(after.error, "Token revoked: its key is gone");
}

}  // namespace
}  // namespace switchboard::server
