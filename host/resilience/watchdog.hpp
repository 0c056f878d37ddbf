// The three watchdogs of one provider call: first byte, idle gap between
// chunks (a stream that opened and then stalls), and total time. One timer
// covers the idle gap: it re-arms itself from the last activity, so a chunk
// costs an atomic store, not a timer.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "core/clock.hpp"

namespace switchboard::resilience {

class Watchdog : public std::enable_shared_from_this<Watchdog> {
 public:
  // Called on a timer's thread with what fired; the caller checks, under its
  // own lock, that the call is still running.
  using Fire = std::function<void(const std::string &what)>;

  static std::shared_ptr<Watchdog> start(core::Clock &clock, const config::TimeoutSettings &timeouts, Fire fire);

  // The first chunk arrived: the first-byte watchdog stops, the idle one starts.
  void first_byte();
  // [any-thread, no allocation] A chunk arrived.
  void activity() noexcept;
  // Stops every timer; no Fire after this returns... unless one is running now.
  void stop();

  Watchdog(core::Clock &clock, const config::TimeoutSettings &timeouts, Fire fire);

 private:
  void arm_idle(core::Duration delay);
  void check_idle();

  core::Clock &clock_;
  const config::TimeoutSettings timeouts_;
  Fire fire_;
  std::atomic<core::TimePoint::rep> last_activity_{0};
  std::mutex mutex_;
  bool stopped_ = false;
  core::TimerPtr first_byte_;
  core::TimerPtr idle_;
  core::TimerPtr total_;
};

}  // namespace switchboard::resilience
