// API keys and the HS256 tokens the transports issue (every client's first
// bytes): any credential, in a header or the URL, is an identity or a
// refusal with its reason; a token changed after signing is never an identity
// other than the one it was issued for.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "switchboard/server/auth.hpp"

namespace {

using switchboard::server::Auth;
using switchboard::server::AuthSettings;
using switchboard::server::Identity;
using switchboard::server::Role;

const Auth &auth() {
  static const Auth a([] {
    AuthSettings s;
    s.enabled = true;
    s.keys = {{"alice", "alice-key-0123456789abcdef0123456789", Role::user},
              {"ops", "ops-key-0123456789abcdef0123456789abcd", Role::admin}};
    s.jwt_secret = "a-secret-of-more-than-thirty-two-bytes";
    return s;
  }());
  return a;
}

const std::string &issued() {
  static const std::string token = [] {
    Identity alice;
    alice.role = Role::user;
    alice.subject = "key:alice";
    alice.key = "alice";
    std::int64_t expires = 0;
    return auth().issue(alice, "user-7", Role::user, expires);
  }();
  return token;
}

void check(const Identity &who) {
  if (who.role == Role::none && who.error.empty()) std::abort();  // a refusal says why
  if (who.role != Role::none && (who.subject.empty() || who.key.empty())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  switchboard::fuzz::FuzzInput input(data, size);
  const std::uint8_t how = input.byte();
  std::string credential(input.rest());
  if (how & 0x80) {
    // A change to an issued token: the bytes replace part of it.
    const std::string &token = issued();
    const std::size_t at = (how & 0x7f) % token.size();
    const std::size_t after = std::min(token.size(), at + credential.size());
    std::string changed = token.substr(0, at) + credential + token.substr(after);
    credential = std::move(changed);
  }
  switchboard::server::Request request;
  request.method = "GET";
  request.path = "/";
  switch (how % 4) {
    case 0:
      request.headers["authorization"] = "Bearer " + credential;
      break;
    case 1:
      request.headers["x-api-key"] = credential;
      break;
    case 2:
      request.query["token"] = credential;
      break;
    default:
      request.headers["authorization"] = credential;
      break;
  }
  const auto who = auth().identify(request, switchboard::server::CredentialSources::headers_and_url);
  check(who);
  if (who.by_token() && who.subject != "user-7") std::abort();  // only the issued token is one
  return 0;
}
