// A WebSocket as a transport's client object holds it: messages go out from
// any thread until it closes; when it closes (either side), the turns it
// started stop and what it held (its place under the session limits) is
// given back, once.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "switchboard/server/server.hpp"
#include "switchboard/server/turn_runner.hpp"

namespace switchboard::server {

class ClientSocket {
 public:
  // `released` runs once, when the socket has closed.
  explicit ClientSocket(std::function<void()> released) : released_(std::move(released)) {}
  ~ClientSocket() { closed(); }
  ClientSocket(const ClientSocket &) = delete;
  ClientSocket &operator=(const ClientSocket &) = delete;

  void opened(std::shared_ptr<Socket> socket);
  // [any-thread] One message (invalid UTF-8 replaced); nothing once closed.
  void send(const nlohmann::json &message);
  // [any-thread] Closes from this side once what was sent has left.
  void close(std::uint16_t code, const std::string &reason);
  // The socket is gone: its turns stop, `released` runs. Idempotent.
  void closed();
  // The turns this client started.
  ClientTurns &turns() { return turns_; }

 private:
  std::mutex mutex_;
  std::shared_ptr<Socket> socket_;
  bool closed_ = false;
  std::function<void()> released_;
  ClientTurns turns_;
};

}  // namespace switchboard::server
