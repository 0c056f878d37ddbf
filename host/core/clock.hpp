// Time and timers, injected into everything that has a timeout, a breaker or
// a pace, so tests step time instead of waiting for it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace switchboard::core {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

class Timer {
 public:
  virtual ~Timer() = default;
  // The callback then runs with fired = false, if it has not run yet.
  virtual void cancel() = 0;
};
using TimerPtr = std::shared_ptr<Timer>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Calls fn(true) once after delay, or fn(false) once if cancelled first.
  // fn never runs inside schedule() or cancel(); it must not block.
  virtual TimerPtr schedule(Duration delay, std::function<void(bool fired)> fn) = 0;
};

}  // namespace switchboard::core
