// Work that must run on the host's control thread (the main thread): plugin
// instances are created and destroyed there, never on a worker and never
// inside a plugin's own callback. Other threads post; the control thread runs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace switchboard::core {

class ControlQueue {
 public:
  // The constructing thread is the control thread.
  ControlQueue() : control_(std::this_thread::get_id()) {}

  bool on_control_thread() const noexcept { return std::this_thread::get_id() == control_; }
  // Called after every post, e.g. to wake the control thread's event loop.
  void set_notify(std::function<void()> notify);

  void post(std::function<void()> fn);
  // [control thread] Runs what is queued; returns how many ran.
  std::size_t run_pending();
  // [control thread] Waits up to `limit` for work, runs it; false on timeout.
  bool wait_and_run(std::chrono::milliseconds limit);

 private:
  const std::thread::id control_;
  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::function<void()>> queue_;
  std::function<void()> notify_;
};

}  // namespace switchboard::core
