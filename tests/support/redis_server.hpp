// A redis-server of a test's own on 127.0.0.1: a port chosen when it starts,
// nothing saved to disk, stopped with the test. It can be stopped and
// started again on the same port (an outage), and asked things directly
// (what a host wrote, how long a key has left).
#pragma once

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "switchboard/redis/client.hpp"

namespace switchboard::test {

class RedisServer {
 public:
  RedisServer() { start(); }
  ~RedisServer() { stop(); }

  int port() const noexcept { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  // Starts it (again, on the same port once it has one); returns when it
  // says it is ready for connections.
  void start();
  // Kills it at once, as a crash would; `start()` brings it back empty.
  void stop();
  // Stops it answering (SIGSTOP: connections are accepted by the kernel,
  // commands wait) and lets it go on with everything it held (SIGCONT).
  void freeze() { process_->signal(SIGSTOP); }
  void thaw() { process_->signal(SIGCONT); }

  // A command from the test itself (not through the code under test).
  redis::Reply command(const std::vector<std::string_view> &args);

 private:
  int port_ = 0;
  std::unique_ptr<Process> process_;
  std::unique_ptr<redis::Client> client_;
};

}  // namespace switchboard::test
