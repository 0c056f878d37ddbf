// Worker threads for host work and for plugins' Host::post: a pool running
// an io_context (delays come from core::Clock).
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace switchboard::core {

class Executor {
 public:
  // threads 0: a manual executor, run by poll() on the caller's thread (tests).
  explicit Executor(unsigned threads);
  ~Executor();
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;

  void post(std::function<void()> fn);

  // Runs the handlers that are ready now; returns how many ran.
  std::size_t poll() { return io_.poll(); }

  boost::asio::io_context &context() noexcept { return io_; }
  std::size_t thread_count() const noexcept { return threads_.size(); }

  // Lets queued work finish, then joins the threads. Idempotent.
  void stop();

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

}  // namespace switchboard::core
