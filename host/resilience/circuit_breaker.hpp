// One provider's circuit breaker: closed -> open after failure_threshold
// consecutive counted failures or a failure rate over a sliding window; open
// for open_seconds, doubling on each trip that follows a failed probe, up to
// max_open_seconds; then half-open, admitting half_open_probes calls at once.
// A probe's success closes it; a probe's failure reopens it.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"

namespace switchboard::resilience {

enum class BreakerState { closed, open, half_open };
const char *to_string(BreakerState state) noexcept;

// The right to make one call. Settle it exactly once through the breaker.
struct Permit {
  bool admitted = false;
  bool probe = false;
  std::uint64_t generation = 0;
};

struct BreakerSnapshot {
  BreakerState state = BreakerState::closed;
  bool forced_open = false;
  int consecutive_failures = 0;
  int window_calls = 0;
  int window_failures = 0;
  int trips = 0;
  int probes_in_flight = 0;
  std::optional<core::TimePoint> open_until;
};

class CircuitBreaker {
 public:
  using Listener = std::function<void(BreakerState from, BreakerState to, const std::string &why)>;

  CircuitBreaker(config::CircuitSettings settings, core::Clock &clock);

  // Called after every state change, outside the breaker's lock.
  void set_listener(Listener listener);

  // [any-thread, no allocation] Whether a call may go to this provider now.
  Permit try_acquire();
  void on_success(const Permit &permit);
  // A counted failure (retryable, fatal, a watchdog).
  void on_failure(const Permit &permit);
  // Neither: cancelled, the request's own fault, a lost hedge.
  void on_ignored(const Permit &permit);

  // Operator actions.
  void reset();
  void force_open();

  // Would a call be admitted now (without taking a probe slot)?
  bool available() const;
  BreakerSnapshot snapshot() const;

 private:
  struct Transition {
    BreakerState from;
    BreakerState to;
    std::string why;
  };

  void trip(const std::string &why, std::optional<Transition> &out);
  void record(bool failed);
  void clear_window();
  void notify(const std::optional<Transition> &t);
  core::Duration open_duration() const;

  const config::CircuitSettings settings_;
  core::Clock &clock_;
  Listener listener_;

  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::closed;
  bool forced_open_ = false;
  std::uint64_t generation_ = 1;
  int consecutive_failures_ = 0;
  std::vector<char> window_;  // outcomes of the last calls, 1 = failed
  std::size_t window_next_ = 0;
  int window_calls_ = 0;
  int window_failures_ = 0;
  int trips_ = 0;
  int reopen_streak_ = 0;  // trips since the breaker was last closed
  int probes_in_flight_ = 0;
  core::TimePoint open_until_{};
};

}  // namespace switchboard::resilience
