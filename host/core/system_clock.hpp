// The real clock: steady time, timers on the executor's threads.
#pragma once

#include "core/clock.hpp"
#include "core/executor.hpp"

namespace switchboard::core {

class SystemClock : public Clock {
 public:
  explicit SystemClock(Executor &executor) : executor_(executor) {}

  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  TimerPtr schedule(Duration delay, std::function<void(bool fired)> fn) override;

 private:
  Executor &executor_;
};

}  // namespace switchboard::core
