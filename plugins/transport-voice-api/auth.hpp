// Who is calling: API keys (X-API-Key, Authorization: Bearer, or ?api_key=
// for browsers' WebSockets) and HS256 JWTs from POST /auth/token, with
// roles; admin is required for what changes the server.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/server/server.hpp"

namespace voice_api {

enum class Role { none, user, admin };

struct ApiKey {
  std::string name;
  std::string key;
  Role role = Role::user;
};

struct AuthSettings {
  bool enabled = false;
  std::vector<ApiKey> keys;
  std::string jwt_secret;  // empty: a random one per process
  std::chrono::seconds token_ttl{3600};
};

struct Identity {
  Role role = Role::none;
  std::string subject;  // the key's name or the token's user id
  std::string error;    // why it was refused, when role is none
};

class Auth {
 public:
  explicit Auth(AuthSettings settings);

  bool enabled() const noexcept { return settings_.enabled; }
  // The caller's identity from its headers or query (role none: refused).
  Identity identify(const switchboard::server::Request &request) const;
  // A signed token for a user with a role, expiring after the ttl.
  std::string issue(const std::string &user_id, Role role, long &expires_at) const;

 private:
  Identity verify_token(const std::string &token) const;

  AuthSettings settings_;
};

const char *to_string(Role role) noexcept;

}  // namespace voice_api
