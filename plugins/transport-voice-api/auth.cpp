#include "auth.hpp"

#include <jwt.h>

#include <memory>
#include <random>

namespace voice_api {

const char *to_string(Role role) noexcept {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::user:
      return "user";
    default:
      return "none";
  }
}

namespace {

using Jwt = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

std::string random_secret() {
  std::random_device device;
  std::string out(32, '\0');
  for (char &c : out) c = static_cast<char>(device() & 0xff);
  return out;
}

// Compares without an early exit, so timing says nothing about a key.
bool same(const std::string &a, const std::string &b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Auth::Auth(AuthSettings settings) : settings_(std::move(settings)) {
  if (settings_.jwt_secret.empty()) settings_.jwt_secret = random_secret();
}

Identity Auth::identify(const switchboard::server::Request &request) const {
  std::string credential = request.header("x-api-key");
  if (credential.empty()) {
    const std::string authorization = request.header("authorization");
    if (authorization.rfind("Bearer ", 0) == 0) credential = authorization.substr(7);
  }
  if (credential.empty()) {
    for (const char *param : {"api_key", "token"}) {
      if (const auto it = request.query.find(param); it != request.query.end()) credential = it->second;
    }
  }
  if (credential.empty()) return {Role::none, "", "Not authenticated"};
  for (const auto &k : settings_.keys) {
    if (same(k.key, credential)) return {k.role, k.name, ""};
  }
  if (std::count(credential.begin(), credential.end(), '.') == 2) return verify_token(credential);
  return {Role::none, "", "Invalid API key"};
}

Identity Auth::verify_token(const std::string &token) const {
  jwt_t *raw = nullptr;
  const auto *key = reinterpret_cast<const unsigned char *>(settings_.jwt_secret.data());
  if (jwt_decode(&raw, token.c_str(), key, static_cast<int>(settings_.jwt_secret.size())) != 0 || raw == nullptr) {
    return {Role::none, "", "Invalid token"};
  }
  Jwt jwt(raw, &jwt_free);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return {Role::none, "", "Invalid token"};
  const long expires = jwt_get_grant_int(jwt.get(), "exp");
  const long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (expires <= now) return {Role::none, "", "Token expired"};
  const char *sub = jwt_get_grant(jwt.get(), "sub");
  const char *role = jwt_get_grant(jwt.get(), "role");
  const Role r = role != nullptr && std::string(role) == "admin" ? Role::admin : Role::user;
  return {r, sub != nullptr ? sub : "", ""};
}

std::string Auth::issue(const std::string &user_id, Role role, long &expires_at) const {
  jwt_t *raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("cannot make a token");
  Jwt jwt(raw, &jwt_free);
  const long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  expires_at = now + static_cast<long>(settings_.token_ttl.count());
  jwt_add_grant(jwt.get(), "sub", user_id.c_str());
  jwt_add_grant(jwt.get(), "role", to_string(role));
  jwt_add_grant_int(jwt.get(), "iat", now);
  jwt_add_grant_int(jwt.get(), "exp", expires_at);
  jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char *>(settings_.jwt_secret.data()),
              static_cast<int>(settings_.jwt_secret.size()));
  char *text = jwt_encode_str(jwt.get());
  if (text == nullptr) throw std::runtime_error("cannot sign a token");
  std::string out(text);
  free(text);  // NOLINT: libjwt's string, allocated with malloc
  return out;
}

}  // namespace voice_api
