// A clock that moves only when told: advance() fires every timer that falls
// due, in time order, on the calling thread. Cancelled timers report on the
// next advance() or flush().
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "core/clock.hpp"

namespace switchboard::core {

class ManualClock : public Clock {
 public:
  TimePoint now() const override;
  TimerPtr schedule(Duration delay, std::function<void(bool fired)> fn) override;

  // Moves time forward by d, firing what falls due on the way.
  void advance(Duration d);
  // Runs the callbacks of cancelled timers.
  void flush();
  std::size_t pending() const;

 private:
  class ManualTimer;
  struct Entry {
    std::uint64_t id;
    std::function<void(bool)> fn;
  };
  void cancel(std::uint64_t id);

  mutable std::mutex mutex_;
  TimePoint now_{};
  std::uint64_t next_id_ = 1;
  std::multimap<TimePoint, Entry> timers_;
  std::vector<std::function<void(bool)>> cancelled_;
};

}  // namespace switchboard::core
