// A call's end, signalled by the thread that reports it and awaited by the
// test: an event to wait on, not a sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace switchboard::test {

class DoneSignal {
 public:
  void set() {
    std::lock_guard lock(mutex_);
    done_ = true;
    cv_.notify_all();
  }
  // False when the limit passes first.
  bool wait(std::chrono::seconds limit = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [this] { return done_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

}  // namespace switchboard::test
