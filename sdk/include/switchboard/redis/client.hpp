// A Redis client for the host and for plugins: a small pool of hiredis
// connections, each call bounded by a timeout, and a down window: once a
// call fails to reach Redis, calls fail at once (no waiting) until
// `retry_after` has passed, when one call tries again. So a Redis that is
// down or slow costs a caller at most one timeout, then nothing, and it is
// used again as soon as it answers.
//
// Every method may be called from many threads at once. Calls block their
// thread for up to `timeout`: never call from the audio thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace switchboard::redis {

struct Options {
  std::string host = "127.0.0.1";
  int port = 6379;
  int database = 0;
  std::string username;  // Redis 6 ACL user; empty: the default user
  std::string password;
  std::chrono::milliseconds timeout{250};       // connect, and each command
  std::chrono::milliseconds retry_after{1000};  // the down window
  std::size_t pool_size = 4;
};

// redis://[[user]:password@]host[:port][/database]; throws
// std::invalid_argument naming what is wrong. Keeps `base`'s timeouts.
Options parse_url(std::string_view url, Options base = {});
// The URL without its password, for logs.
std::string redacted(const Options &options);

// Redis could not be reached (or answered too late, or is in its down window).
struct Unavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Redis answered with an error reply (a wrong command, a script error).
struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Reply {
  enum class Type { nil, integer, string, status, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string string;  // string and status replies
  std::vector<Reply> elements;

  bool nil() const noexcept { return type == Type::nil; }
};

class Client {
 public:
  explicit Client(Options options);
  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  // Runs one command (binary-safe arguments). Throws Unavailable or CommandError.
  Reply command(const std::vector<std::string_view> &args);
  // Several commands on one connection in one round trip; the replies in order.
  std::vector<Reply> pipeline(const std::vector<std::vector<std::string_view>> &commands);

  // Runs a Lua script by its SHA-1 (EVALSHA), loading it on the first call
  // and again after Redis restarts without it.
  Reply script(std::string_view source, const std::vector<std::string_view> &keys,
               const std::vector<std::string_view> &args);

  // False inside the down window.
  bool available() const;
  // Calls that could not reach Redis, including those refused in the window.
  std::uint64_t failures() const noexcept { return failures_.load(); }
  const Options &options() const noexcept { return options_; }

 private:
  // A connection from the pool (reused: it was idle there) or a new one.
  redisContext *acquire(bool &reused);
  void release(redisContext *context, bool healthy);
  redisContext *connect();
  [[noreturn]] void fail(const std::string &why);
  std::vector<Reply> run(const std::vector<std::vector<std::string_view>> &commands);

  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<redisContext *> idle_;
  std::size_t open_ = 0;
  std::chrono::steady_clock::time_point down_until_{};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace switchboard::redis
