// What the security tests share: the real binary with auth on (two keys of
// the length the server demands), tokens from its /auth/token, and a raw
// TCP client for requests no well-behaved HTTP library would send.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "conformance/voice-assistant/server_fixture.hpp"

namespace switchboard::test {

inline const std::string kAdminKey = "admin-key-0123456789abcdef0123456789";
inline const std::string kUserKey = "user-key-0123456789abcdef0123456789ab";
inline const std::string kJwtSecret = "jwt-secret-0123456789abcdef012345678";

// transport-voice-api's block with auth on; `more` adds keys ("limits: {...}").
inline std::string auth_on(const std::string &more = "", const std::string &auth_more = "") {
  return "{auth: {enabled: true, jwt_secret: " + kJwtSecret + ", api_keys: [{name: ops, key: " + kAdminKey +
         ", role: admin}, {name: app, key: " + kUserKey + ", role: user}]" + auth_more + "}" +
         (more.empty() ? "" : ", " + more) + "}";
}

inline std::map<std::string, std::string> key_header(const std::string &key) {
  return {{"X-API-Key", key}};
}

inline std::map<std::string, std::string> bearer(const std::string &token) {
  return {{"Authorization", "Bearer " + token}};
}

// A token for user_id, minted with the user key.
inline std::string token_for(int port, const std::string &user_id) {
  const auto reply =
      http_request(port, "POST", "/auth/token", nlohmann::json{{"user_id", user_id}}.dump(), key_header(kUserKey));
  EXPECT_EQ(reply.status, 200) << reply.body;
  return reply.json().value("token", "");
}

// Sends bytes as they are on a fresh connection and reads until the server
// closes (or 5 s pass): the raw response.
inline std::string raw_exchange(int port, const std::string &bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// The status code of a raw response ("HTTP/1.1 400 Bad Request" → 400), 0 if none.
inline int raw_status(const std::string &response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

}  // namespace switchboard::test
