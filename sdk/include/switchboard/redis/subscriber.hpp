// One Redis pub/sub channel, listened to on a connection of its own. next()
// waits for a message for at most the time given, so the thread that owns
// the subscriber can check whether to stop between waits; a connection
// lost is made again on a later call, no sooner than options.retry_after
// after the last attempt. Not thread-safe: one thread owns it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "switchboard/redis/client.hpp"

namespace switchboard::redis {

class Subscriber {
 public:
  Subscriber(Options options, std::string channel);
  ~Subscriber();
  Subscriber(const Subscriber &) = delete;
  Subscriber &operator=(const Subscriber &) = delete;

  // The next message's payload, or nothing when none came within `wait`
  // (or the connection is down: see connected()).
  std::optional<std::string> next(std::chrono::milliseconds wait);
  bool connected() const noexcept { return context_ != nullptr; }
  // The last reason the connection failed, for logs ("" after a success).
  const std::string &problem() const noexcept { return problem_; }
  // Connections made (the first and every reconnection).
  std::uint64_t connections() const noexcept { return connections_; }

 private:
  bool connect();
  void drop(const std::string &why);

  const Options options_;
  const std::string channel_;
  redisContext *context_ = nullptr;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::string problem_;
  std::uint64_t connections_ = 0;
};

}  // namespace switchboard::redis
