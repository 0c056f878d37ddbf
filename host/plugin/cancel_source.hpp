// The host's side of a cancel token: cancel() once, and every plugin that
// subscribed hears about it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "switchboard/abi.h"

namespace switchboard::plugin {

class CancelSource {
 public:
  CancelSource();
  CancelSource(const CancelSource &) = delete;
  CancelSource &operator=(const CancelSource &) = delete;

  const sb_cancel_token *token() const noexcept { return &token_; }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
  // Idempotent. Runs the subscribers on this thread.
  void cancel();

 private:
  struct Subscriber {
    std::uint64_t id;
    void (*fn)(void *);
    void *user;
  };

  static bool is_cancelled(void *ctx);
  static std::uint64_t subscribe(void *ctx, void (*fn)(void *), void *user);
  static void unsubscribe(void *ctx, std::uint64_t id);

  sb_cancel_token token_{};
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;
  std::condition_variable idle_;
  std::vector<Subscriber> subscribers_;
  std::uint64_t next_id_ = 1;
  std::uint64_t running_id_ = 0;  // the subscriber cancel() is running now
  std::thread::id canceller_;
};

}  // namespace switchboard::plugin
