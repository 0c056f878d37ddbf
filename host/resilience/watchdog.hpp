// The deadlines of one provider call in one wheel entry: first byte, idle gap
// between chunks (a stream that opened and then stalls), total time, and the
// moment to hedge. A chunk costs an atomic store; arming allocates nothing.
#pragma once

#include <atomic>
#include <string>

#include "core/deadline_wheel.hpp"

namespace switchboard::resilience {

class Watchdog final : public core::DeadlineWheel::Entry {
 public:
  // budget: the call's own deadline across its attempts (a chain's call_ms).
  enum class Kind { first_byte, idle, total, budget };

  // The call the watchdog guards. pin/unpin keep it alive while a deadline
  // is being reported (see DeadlineWheel::Entry).
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual bool pin() = 0;
    virtual void unpin() = 0;
    // A watchdog fired: a counted failure. It does not fire again.
    virtual void on_watchdog(Kind kind, int limit_ms) = 0;
    virtual void on_hedge() {}
  };

  // Milliseconds; 0 turns one off.
  struct Limits {
    int first_byte_ms = 0;
    int idle_ms = 0;
    int total_ms = 0;
    int hedge_after_ms = 0;
    core::TimePoint deadline = core::TimePoint::max();  // the call's budget ends
  };

  explicit Watchdog(core::DeadlineWheel &wheel) : wheel_(wheel) {}
  ~Watchdog() override { stop(); }

  // "no first byte after 200 ms", for logs and errors.
  static std::string describe(Kind kind, int limit_ms);

  // Starts the clocks now. With wait_first_byte false, the first-byte clock
  // starts only at expect_first_byte() (an stt stream's final, after finish).
  void start(Owner &owner, Limits limits, bool wait_first_byte = true);
  // The first chunk arrived: first byte and hedge stop, idle starts.
  void first_byte();
  // [any-thread, no allocation, no lock] A chunk arrived.
  void activity() noexcept;
  void expect_first_byte();
  // The call's budget ends at `deadline` (from now on).
  void set_deadline(core::TimePoint deadline);
  void stop();

 private:
  bool pin() override;
  void unpin() override;
  void on_deadline() override;
  void rearm();
  core::TimePoint next_deadline() const;

  core::DeadlineWheel &wheel_;
  Owner *owner_ = nullptr;
  Limits limits_;
  core::TimePoint started_{};
  std::atomic<bool> waiting_first_byte_{false};
  std::atomic<core::TimePoint::rep> first_byte_from_{0};
  std::atomic<bool> got_first_{false};
  std::atomic<bool> hedged_{false};
  std::atomic<bool> stopped_{true};
  std::atomic<core::TimePoint::rep> last_activity_{0};
  std::atomic<core::TimePoint::rep> deadline_{core::TimePoint::max().time_since_epoch().count()};
};

}  // namespace switchboard::resilience
