// Who is calling: API keys (X-API-Key, Authorization: Bearer, or in the URL
// where a route allows it) and HS256 JWTs the transport issues, with roles.
//
// Tokens: every token names the key that started its chain ("key"), its
// issuer ("iss") and audience ("aud"), and is valid from "nbf" to "exp".
// A token minted with a token keeps its subject and role and never outlives
// it, so a chain ends when its first token does. Revocation: rotate the
// secret (every token goes), or remove the key by reload (its tokens go).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/server/server.hpp"

namespace switchboard::server {

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
  std::string issuer = "switchboard";
  std::string audience;  // empty: the transport's name
};

// The shortest key or secret accepted.
inline constexpr std::size_t kMinSecretLength = 32;

struct Identity {
  Role role = Role::none;
  std::string subject;       // "key:<name>" for a key, the token's "sub" for a token
  std::string key;           // the key that authenticated, or that started the token's chain
  std::int64_t expires = 0;  // seconds since the epoch; 0: a key (no end)
  std::string error;         // why it was refused, when role is none

  bool by_token() const noexcept { return expires != 0; }
};

// Where a credential may come from.
enum class CredentialSources { headers, headers_and_url };

class Auth {
 public:
  explicit Auth(AuthSettings settings);

  bool enabled() const noexcept { return settings_.enabled; }
  // The caller's identity (role none: refused, with the reason).
  Identity identify(const Request &request, CredentialSources sources) const;
  // A signed token for `subject` with `role`, issued by `issuer` (who must
  // hold at least that role): throws std::invalid_argument with the reason
  // when the issuer may not (a token minting for another subject).
  std::string issue(const Identity &issuer, const std::string &subject, Role role, std::int64_t &expires_at) const;

  const AuthSettings &settings() const noexcept { return settings_; }

 private:
  Identity verify_token(const std::string &token) const;

  AuthSettings settings_;
};

const char *to_string(Role role) noexcept;

// Whether a request carries a credential in its URL (?api_key=, ?token=).
bool has_url_credentials(const Request &request);

// The target with credentials in its query replaced by "[redacted]": what a
// log line may show.
std::string redacted_target(std::string_view target);

// Compares in time that depends only on `given`'s length, never on where
// the first difference is or on `expected`'s length.
bool same_secret(std::string_view expected, std::string_view given) noexcept;

}  // namespace switchboard::server
