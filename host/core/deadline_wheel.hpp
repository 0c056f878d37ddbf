// Deadlines for many short-lived calls at the cost of none: a hashed wheel of
// intrusive entries. Arming and disarming are O(1) and allocate nothing; one
// clock timer, armed only while entries exist, ticks the wheel. Watchdogs of
// every provider call live here.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "core/clock.hpp"

namespace switchboard::core {

class DeadlineWheel {
 public:
  // Embed one in the object that has a deadline.
  class Entry {
   public:
    Entry() = default;
    Entry(const Entry &) = delete;
    Entry &operator=(const Entry &) = delete;
    virtual ~Entry();

   protected:
    friend class DeadlineWheel;
    // Under the wheel's lock, when the deadline has passed: keep the owner
    // alive until unpin(); return false to skip the call (owner is going).
    virtual bool pin() = 0;
    virtual void unpin() = 0;
    // On a timer thread, outside the wheel's lock, between pin and unpin.
    virtual void on_deadline() = 0;

   private:
    Entry *prev_ = nullptr;
    Entry *next_ = nullptr;
    Entry *due_next_ = nullptr;  // in a tick's list of entries to call
    std::size_t slot_ = 0;
    TimePoint at_{};
    DeadlineWheel *wheel_ = nullptr;  // set while armed
  };

  explicit DeadlineWheel(Clock &clock, Duration tick = std::chrono::milliseconds(1), std::size_t slots = 1024);
  ~DeadlineWheel();
  DeadlineWheel(const DeadlineWheel &) = delete;
  DeadlineWheel &operator=(const DeadlineWheel &) = delete;

  // Arms (or moves) an entry to fire at `at`, within one tick after it.
  void arm(Entry &entry, TimePoint at);
  void disarm(Entry &entry);
  std::size_t armed() const;
  Clock &clock() noexcept { return clock_; }

 private:
  std::size_t slot_of(TimePoint at) const;
  void link(Entry &e);
  void unlink(Entry &e);
  void ensure_ticking();
  void tick();

  Clock &clock_;
  const Duration tick_;
  mutable std::mutex mutex_;
  std::vector<Entry *> slots_;
  std::size_t count_ = 0;
  TimePoint cursor_{};  // every slot before this time has been processed
  bool ticking_ = false;
  TimerPtr ticker_;
};

}  // namespace switchboard::core
