// A blocking HTTP and WebSocket client for the conformance tests (Beast),
// with a deadline on every read: a test waits for a message, never sleeps.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace switchboard::test {

struct HttpReply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

HttpReply http_request(int port, const std::string &method, const std::string &target, const std::string &body = "",
                       const std::map<std::string, std::string> &headers = {});

class WsClient {
 public:
  // Connects to ws://127.0.0.1:port/target. Throws on a refused upgrade;
  // `refused_status` (when given) gets the HTTP status instead.
  WsClient(int port, const std::string &target, const std::map<std::string, std::string> &headers = {},
           int *refused_status = nullptr);
  ~WsClient();
  bool open() const noexcept;

  void send_text(const std::string &text);
  void send_binary(const std::string &bytes);
  void send_json(const nlohmann::json &message) { send_text(message.dump()); }

  // The next text message as JSON, or nullopt when the deadline passes or the
  // socket closes (then close_code() says how).
  std::optional<nlohmann::json> next(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  // Messages until one of `type` arrives (returned), each passed to `seen`.
  std::optional<nlohmann::json> until(const std::string &type,
                                      const std::function<void(const nlohmann::json &)> &seen = {},
                                      std::chrono::milliseconds deadline = std::chrono::seconds(30));
  int close_code() const noexcept { return close_code_; }
  // Why the last read failed.
  const std::string &last_error() const noexcept { return last_error_; }
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int close_code_ = 0;
  std::string last_error_;
};

std::string base64(const std::string &bytes);
std::string base64_decode(const std::string &text);

}  // namespace switchboard::test
