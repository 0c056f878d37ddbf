#include "support/redis_server.hpp"

#include "support/ports.hpp"

#include <csignal>
#include <stdexcept>

namespace switchboard::test {

void RedisServer::start() {
  const bool fixed = port_ != 0;
  // Another process may take the chosen port before redis-server binds it:
  // a fresh choice then (not for a restart, which must keep its port).
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!fixed) port_ = unused_port();
    process_ = std::make_unique<Process>(
        "/usr/bin/redis-server",
        std::vector<std::string>{"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                 "no", "--daemonize", "no", "--loglevel", "notice"});
    if (!process_->wait_for("Ready to accept connections", std::chrono::seconds(30)).empty()) {
      redis::Options o;
      o.port = port_;
      o.timeout = std::chrono::seconds(5);
      o.retry_after = std::chrono::milliseconds(0);
      client_ = std::make_unique<redis::Client>(o);
      return;
    }
    process_->signal(SIGKILL);
    process_->wait();
    if (fixed && attempt >= 4) break;
  }
  throw std::runtime_error("redis-server did not start on port " + std::to_string(port_) + ": " + process_->out());
}

void RedisServer::stop() {
  client_.reset();
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait();
  process_.reset();
}

redis::Reply RedisServer::command(const std::vector<std::string_view> &args) {
  if (!client_) throw std::runtime_error("redis-server is stopped");
  return client_->command(args);
}

}  // namespace switchboard::test
