// The late answers of Response::stream and Response::defer. Producers on any
// thread queue into them; the connection's coroutine, on its strand, sleeps
// on a timer the producers cancel to wake it.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "switchboard/server/server.hpp"

namespace switchboard::server {

// What both share: the wake-up timer and abandonment.
class LateAnswer : public virtual Abandonable {
 public:
  explicit LateAnswer(boost::asio::any_io_executor strand) : strand_(strand), wake_(strand) {}
  void on_abandoned(std::function<void()> f) override;
  // The client went, the server is stopping, or it took too long. `self`
  // is this answer.
  void abandon(const std::shared_ptr<LateAnswer> &self);
  // [strand] Sleeps until woken or until `deadline`; true when woken.
  boost::asio::steady_timer &wake() { return wake_; }

 protected:
  // Wakes the coroutine (from any thread).
  void notify(const std::shared_ptr<LateAnswer> &self);
  // Marks the answer complete: abandonment is no longer heard. Returns the
  // callback, to be dropped outside the lock (it may hold what holds this).
  std::function<void()> complete_locked() {
    done_ = true;
    return std::move(on_abandoned_);
  }
  bool abandoned_locked() const { return abandoned_; }
  mutable std::mutex mutex_;

 private:
  boost::asio::any_io_executor strand_;
  boost::asio::steady_timer wake_;
  std::function<void()> on_abandoned_;
  bool abandoned_ = false;
  bool done_ = false;
};

class BodyStream final : public Stream, public LateAnswer, public std::enable_shared_from_this<BodyStream> {
 public:
  BodyStream(boost::asio::any_io_executor strand, std::size_t max_queue_bytes)
      : LateAnswer(strand), max_queue_bytes_(max_queue_bytes) {}

  bool write(std::string chunk) override;
  void end() override;
  bool open() const override;
  void on_abandoned(std::function<void()> f) override { LateAnswer::on_abandoned(std::move(f)); }

  // [strand] What is queued now, and whether the body is over (ended and
  // all taken, or abandoned).
  struct Taken {
    std::deque<std::string> chunks;
    bool over = false;
    bool abandoned = false;
  };
  Taken take();

 private:
  const std::size_t max_queue_bytes_;
  std::deque<std::string> chunks_;
  std::size_t queued_ = 0;
  bool ended_ = false;
};

class LateReply final : public Reply, public LateAnswer, public std::enable_shared_from_this<LateReply> {
 public:
  explicit LateReply(boost::asio::any_io_executor strand) : LateAnswer(strand) {}
  void send(Response response) override;
  void on_abandoned(std::function<void()> f) override { LateAnswer::on_abandoned(std::move(f)); }
  // [strand] The answer, once sent.
  std::optional<Response> take();

 private:
  std::optional<Response> response_;
};

}  // namespace switchboard::server
