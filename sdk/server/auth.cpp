#include "switchboard/server/auth.hpp"

#include <jwt.h>

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>

namespace switchboard::server {

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

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool credential_param(std::string_view name) {
  return name == "api_key" || name == "token";
}

}  // namespace

bool same_secret(std::string_view expected, std::string_view given) noexcept {
  unsigned char diff = expected.size() == given.size() ? 0 : 1;
  const std::size_t n = std::max<std::size_t>(expected.size(), 1);
  for (std::size_t i = 0; i < given.size(); ++i) {
    const unsigned char e = expected.empty() ? 0 : static_cast<unsigned char>(expected[i % n]);
    diff |= static_cast<unsigned char>(e ^ static_cast<unsigned char>(given[i]));
  }
  return diff == 0;
}

bool has_url_credentials(const Request &request) {
  return std::any_of(request.query.begin(), request.query.end(),
                     [](const auto &item) { return credential_param(item.first); });
}

std::string redacted_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q + 1));
  std::string_view rest = target.substr(q + 1);
  bool first = true;
  while (true) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    const auto name = pair.substr(0, eq);
    if (!first) out.push_back('&');
    first = false;
    if (credential_param(percent_decode(name, true)) && eq != std::string_view::npos) {
      out.append(name).append("=[redacted]");
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

Auth::Auth(AuthSettings settings) : settings_(std::move(settings)) {
  if (settings_.jwt_secret.empty()) settings_.jwt_secret = random_secret();
}

Identity Auth::identify(const Request &request, CredentialSources sources) const {
  std::string credential = request.header("x-api-key");
  if (credential.empty()) {
    const std::string authorization = request.header("authorization");
    if (authorization.rfind("Bearer ", 0) == 0) credential = authorization.substr(7);
  }
  if (credential.empty() && sources == CredentialSources::headers_and_url) {
    for (const char *param : {"api_key", "token"}) {
      if (const auto it = request.query.find(param); it != request.query.end()) credential = it->second;
    }
  }
  Identity refused;
  if (credential.empty()) {
    refused.error = "Not authenticated";
    return refused;
  }
  // Every key is compared, so the time taken does not say which matched.
  const ApiKey *found = nullptr;
  for (const auto &k : settings_.keys) {
    if (same_secret(k.key, credential) && found == nullptr) found = &k;
  }
  if (found != nullptr) return {found->role, "key:" + found->name, found->name, 0, ""};
  if (std::count(credential.begin(), credential.end(), '.') == 2) return verify_token(credential);
  refused.error = "Invalid API key";
  return refused;
}

Identity Auth::verify_token(const std::string &token) const {
  Identity refused;
  refused.error = "Invalid token";
  jwt_t *raw = nullptr;
  const auto *secret = reinterpret_cast<const unsigned char *>(settings_.jwt_secret.data());
  if (jwt_decode(&raw, token.c_str(), secret, static_cast<int>(settings_.jwt_secret.size())) != 0 || raw == nullptr) {
    return refused;
  }
  Jwt jwt(raw, &jwt_free);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return refused;
  const auto grant = [&](const char *name) {
    const char *v = jwt_get_grant(jwt.get(), name);
    return v != nullptr ? std::string(v) : std::string();
  };
  const std::int64_t now = now_seconds();
  const std::int64_t expires = jwt_get_grant_int(jwt.get(), "exp");
  if (expires <= now) {
    refused.error = "Token expired";
    return refused;
  }
  if (jwt_get_grant_int(jwt.get(), "nbf") > now) {
    refused.error = "Token not valid yet";
    return refused;
  }
  if (grant("iss") != settings_.issuer || grant("aud") != settings_.audience) return refused;
  // A token lives only as long as the key that started its chain.
  const std::string key = grant("key");
  const auto k =
      std::find_if(settings_.keys.begin(), settings_.keys.end(), [&](const ApiKey &a) { return a.name == key; });
  if (settings_.enabled && k == settings_.keys.end()) {
    refused.error = "Token revoked: its key is gone";
    return refused;
  }
  Role role = grant("role") == "admin" ? Role::admin : Role::user;
  if (k != settings_.keys.end() && k->role == Role::user) role = Role::user;
  const std::string sub = grant("sub");
  if (sub.empty()) return refused;
  return {role, sub, key, expires, ""};
}

std::string Auth::issue(const Identity &issuer, const std::string &subject, Role role, std::int64_t &expires_at) const {
  if (issuer.by_token() && subject != issuer.subject) {
    throw std::invalid_argument("a token can mint tokens for its own subject only");
  }
  if (subject.rfind("key:", 0) == 0) throw std::invalid_argument("'key:' names the API keys, not users");
  if (issuer.role != Role::none && role == Role::admin && issuer.role != Role::admin) {
    throw std::invalid_argument("a token cannot carry more than its issuer holds");
  }
  jwt_t *raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("cannot make a token");
  Jwt jwt(raw, &jwt_free);
  const std::int64_t now = now_seconds();
  expires_at = now + static_cast<std::int64_t>(settings_.token_ttl.count());
  if (issuer.by_token()) expires_at = std::min(expires_at, issuer.expires);
  jwt_add_grant(jwt.get(), "sub", subject.c_str());
  jwt_add_grant(jwt.get(), "role", to_string(role));
  jwt_add_grant(jwt.get(), "key", issuer.key.c_str());
  jwt_add_grant(jwt.get(), "iss", settings_.issuer.c_str());
  jwt_add_grant(jwt.get(), "aud", settings_.audience.c_str());
  jwt_add_grant_int(jwt.get(), "iat", now);
  jwt_add_grant_int(jwt.get(), "nbf", now);
  jwt_add_grant_int(jwt.get(), "exp", expires_at);
  jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char *>(settings_.jwt_secret.data()),
              static_cast<int>(settings_.jwt_secret.size()));
  char *text = jwt_encode_str(jwt.get());
  if (text == nullptr) throw std::runtime_error("cannot sign a token");
  std::string out(text);
  free(text);  // NOLINT: libjwt's string, allocated with malloc
  return out;
}

}  // namespace switchboard::server
