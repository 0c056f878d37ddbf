// One provider's circuit breaker: closed -> open after failure_threshold
// consecutive counted failures, a failure rate over a sliding window, or a
// slow-call rate over the same window; open for open_seconds (plus up to
// open_jitter of it, at random, so many hosts do not come back at once),
// doubling on each trip that follows a failed probe, up to max_open_seconds;
// then half-open, admitting half_open_probes calls at once; a run of
// half_open_successes probe successes closes it, a probe's failure reopens
// it. A failure that carries Retry-After keeps the provider out for at least
// that long. With background probes, the open breaker does not half-open for
// users' calls: only the prober's success ends it.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
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
  bool retry_after = false;  // refused because the provider asked to be left alone
};

struct BreakerSnapshot {
  BreakerState state = BreakerState::closed;
  bool forced_open = false;
  int consecutive_failures = 0;
  int window_calls = 0;
  int window_failures = 0;
  int window_slow = 0;
  int trips = 0;
  int probes_in_flight = 0;
  int probe_successes = 0;  // in a row, while half-open
  std::optional<core::TimePoint> open_until;
  std::optional<core::TimePoint> retry_after_until;  // the provider asked to be left alone until then
};

class CircuitBreaker {
 public:
  using Listener = std::function<void(BreakerState from, BreakerState to, const std::string &why)>;

  CircuitBreaker(config::CircuitSettings settings, core::Clock &clock, bool probed_in_background = false);

  // Called after every state change, outside the breaker's lock.
  void set_listener(Listener listener);

  // [any-thread, no allocation] Whether a call may go to this provider now.
  Permit try_acquire();
  // Every breaker of the chain refused: an open one (not forced, not held by
  // Retry-After) may take one call early, as a probe.
  Permit try_acquire_early();
  // The background prober's call: a probe of an open breaker, at any time.
  Permit try_acquire_probe();
  // `slow`: the first byte came later than slow_call_ms (or the call lost a
  // hedge race while slow calls are judged).
  void on_success(const Permit &permit, bool slow = false);
  // A counted failure (retryable, fatal, a watchdog); retry_after_ms is what
  // the provider asked for (429, 503).
  void on_failure(const Permit &permit, std::uint32_t retry_after_ms = 0);
  // Neither: cancelled, the request's own fault, a lost hedge.
  void on_ignored(const Permit &permit);

  // Operator actions.
  void reset();
  void force_open();
  // Another host opened its breaker for this provider (circuit: {share:
  // redis}): open for `period` too, from now, unless already open longer.
  // It half-opens and closes on this host's own evidence, as after a trip
  // of its own, without lengthening the next trip's open period.
  void open_as_told(core::Duration period, const std::string &why);

  // Would a call be admitted now (without taking a probe slot)?
  bool available() const;
  bool judges_slow_calls() const noexcept { return settings_.slow_call_ms > 0; }
  int slow_call_ms() const noexcept { return settings_.slow_call_ms; }
  BreakerSnapshot snapshot() const;

 private:
  struct Transition {
    BreakerState from;
    BreakerState to;
    std::string why;
  };

  void trip(const std::string &why, std::optional<Transition> &out);
  void half_open(const char *why, std::optional<Transition> &out);
  Permit probe_now(const char *why);
  void close(const char *why, std::optional<Transition> &out);
  void record(bool failed, bool slow);
  void judge_window(std::optional<Transition> &out);
  void clear_window();
  void notify(const std::optional<Transition> &t);
  core::Duration open_duration();
  bool held_by_retry_after(core::TimePoint now) const { return now < retry_after_until_; }

  const config::CircuitSettings settings_;
  core::Clock &clock_;
  const bool probed_in_background_;
  Listener listener_;

  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::closed;
  bool forced_open_ = false;
  std::uint64_t generation_ = 1;
  int consecutive_failures_ = 0;
  std::vector<char> window_;  // outcomes of the last calls: bit 0 failed, bit 1 slow
  std::size_t window_next_ = 0;
  int window_calls_ = 0;
  int window_failures_ = 0;
  int window_slow_ = 0;
  int trips_ = 0;
  int reopen_streak_ = 0;  // trips since the breaker was last closed
  int probes_in_flight_ = 0;
  int probe_successes_ = 0;
  core::TimePoint open_until_{};
  core::TimePoint retry_after_until_{};
  std::minstd_rand jitter_;
};

}  // namespace switchboard::resilience
