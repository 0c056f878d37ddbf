#include "resilience/circuit_breaker.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::resilience {
namespace {

constexpr char kFailed = 1;
constexpr char kSlow = 2;

}  // namespace

const char *to_string(BreakerState state) noexcept {
  switch (state) {
    case BreakerState::closed:
      return "closed";
    case BreakerState::open:
      return "open";
    case BreakerState::half_open:
      return "half_open";
  }
  return "unknown";
}

CircuitBreaker::CircuitBreaker(config::CircuitSettings settings, core::Clock &clock, bool probed_in_background)
    : settings_(settings),
      clock_(clock),
      probed_in_background_(probed_in_background),
      window_(static_cast<std::size_t>(std::max(1, settings.window)), 0),
      jitter_(std::random_device{}()) {}

void CircuitBreaker::set_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

core::Duration CircuitBreaker::open_duration() {
  double seconds =
      std::min(settings_.max_open_seconds, settings_.open_seconds * std::pow(2.0, std::max(0, reopen_streak_ - 1)));
  if (settings_.open_jitter > 0) {
    seconds *= 1.0 + std::uniform_real_distribution<double>(0.0, settings_.open_jitter)(jitter_);
  }
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

void CircuitBreaker::trip(const std::string &why, std::optional<Transition> &out) {
  out = Transition{state_, BreakerState::open, why};
  state_ = BreakerState::open;
  ++trips_;
  ++reopen_streak_;
  ++generation_;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  open_until_ = std::max(clock_.now() + open_duration(), retry_after_until_);
}

void CircuitBreaker::half_open(const char *why, std::optional<Transition> &out) {
  out = Transition{state_, BreakerState::half_open, why};
  state_ = BreakerState::half_open;
  probe_successes_ = 0;
  ++generation_;
}

void CircuitBreaker::close(const char *why, std::optional<Transition> &out) {
  out = Transition{state_, BreakerState::closed, why};
  state_ = BreakerState::closed;
  reopen_streak_ = 0;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  ++generation_;
  clear_window();
}

void CircuitBreaker::clear_window() {
  std::fill(window_.begin(), window_.end(), 0);
  window_next_ = 0;
  window_calls_ = 0;
  window_failures_ = 0;
  window_slow_ = 0;
  consecutive_failures_ = 0;
}

void CircuitBreaker::record(bool failed, bool slow) {
  if (window_calls_ == static_cast<int>(window_.size())) {
    window_failures_ -= window_[window_next_] & kFailed ? 1 : 0;
    window_slow_ -= window_[window_next_] & kSlow ? 1 : 0;
  } else {
    ++window_calls_;
  }
  window_[window_next_] = static_cast<char>((failed ? kFailed : 0) | (slow ? kSlow : 0));
  window_failures_ += failed ? 1 : 0;
  window_slow_ += slow ? 1 : 0;
  window_next_ = (window_next_ + 1) % window_.size();
  consecutive_failures_ = failed ? consecutive_failures_ + 1 : 0;
}

// After a call is recorded while closed: does the window open the breaker?
void CircuitBreaker::judge_window(std::optional<Transition> &out) {
  const bool judged = window_calls_ >= settings_.min_calls;
  const auto rate = [&](int n, double limit) {
    return judged && static_cast<double>(n) >= limit * static_cast<double>(window_calls_);
  };
  if (consecutive_failures_ >= settings_.failure_threshold) {
    trip(std::to_string(consecutive_failures_) + " consecutive failures", out);
  } else if (window_failures_ > 0 && rate(window_failures_, settings_.failure_rate)) {
    trip(std::to_string(window_failures_) + " of the last " + std::to_string(window_calls_) + " calls failed", out);
  } else if (settings_.slow_call_ms > 0 && window_slow_ > 0 && rate(window_slow_, settings_.slow_call_rate)) {
    trip(std::to_string(window_slow_) + " of the last " + std::to_string(window_calls_) + " calls were slower than " +
             std::to_string(settings_.slow_call_ms) + " ms",
         out);
  } else {
    return;
  }
  clear_window();
}

void CircuitBreaker::notify(const std::optional<Transition> &t) {
  if (!t) return;
  Listener listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) listener(t->from, t->to, t->why);
}

Permit CircuitBreaker::try_acquire() {
  std::optional<Transition> t;
  Permit permit;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock_.now();
    if (state_ == BreakerState::open && !forced_open_ && !probed_in_background_ && now >= open_until_) {
      half_open("open period over", t);
    }
    if (state_ == BreakerState::closed) {
      permit = {true, false, generation_};
      if (held_by_retry_after(now)) permit = {false, false, 0, true};
    } else if (state_ == BreakerState::half_open && probes_in_flight_ < settings_.half_open_probes) {
      ++probes_in_flight_;
      permit = {true, true, generation_};
    }
  }
  notify(t);
  return permit;
}

// An open breaker (not forced, not held by Retry-After) half-opens now and
// the caller takes a probe slot.
Permit CircuitBreaker::probe_now(const char *why) {
  std::optional<Transition> t;
  Permit permit;
  {
    std::lock_guard lock(mutex_);
    if (state_ == BreakerState::open && !forced_open_ && !held_by_retry_after(clock_.now())) half_open(why, t);
    if (state_ == BreakerState::half_open && probes_in_flight_ < settings_.half_open_probes) {
      ++probes_in_flight_;
      permit = {true, true, generation_};
    }
  }
  notify(t);
  return permit;
}

Permit CircuitBreaker::try_acquire_early() {
  return probe_now("every provider of the chain was open: this one reopens soonest");
}

Permit CircuitBreaker::try_acquire_probe() {
  return probe_now("background probe");
}

void CircuitBreaker::on_success(const Permit &permit, bool slow) {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    // A result of a call admitted before the last state change is not counted.
    if (permit.generation != generation_) {
      return;
    }
    if (permit.probe) {
      --probes_in_flight_;
      if (++probe_successes_ >= settings_.half_open_successes) {
        close(settings_.half_open_successes > 1 ? "probes succeeded" : "probe succeeded", t);
      }
    } else {
      record(false, slow && settings_.slow_call_ms > 0);
      judge_window(t);
    }
  }
  notify(t);
}

void CircuitBreaker::on_failure(const Permit &permit, std::uint32_t retry_after_ms) {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    if (retry_after_ms > 0) {
      retry_after_until_ = std::max(retry_after_until_, clock_.now() + std::chrono::milliseconds(retry_after_ms));
      if (state_ == BreakerState::open) open_until_ = std::max(open_until_, retry_after_until_);
    }
    if (permit.generation != generation_) {
      return;
    }
    if (permit.probe) {
      trip("probe failed", t);
    } else {
      record(true, false);
      judge_window(t);
    }
  }
  notify(t);
}

void CircuitBreaker::on_ignored(const Permit &permit) {
  std::lock_guard lock(mutex_);
  if (permit.probe && permit.generation == generation_) {
    --probes_in_flight_;
  }
}

void CircuitBreaker::reset() {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    const BreakerState from = state_;
    close("reset by operator", t);
    if (from == BreakerState::closed) t.reset();
    forced_open_ = false;
    retry_after_until_ = {};
  }
  notify(t);
}

void CircuitBreaker::force_open() {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    if (state_ != BreakerState::open) {
      t = Transition{state_, BreakerState::open, "forced open by operator"};
    }
    state_ = BreakerState::open;
    forced_open_ = true;
    probes_in_flight_ = 0;
    probe_successes_ = 0;
    ++generation_;
  }
  notify(t);
}

void CircuitBreaker::open_as_told(core::Duration period, const std::string &why) {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    const auto until = clock_.now() + period;
    if (state_ == BreakerState::open) {
      open_until_ = std::max(open_until_, until);
    } else {
      t = Transition{state_, BreakerState::open, why};
      state_ = BreakerState::open;
      ++generation_;
      probes_in_flight_ = 0;
      probe_successes_ = 0;
      open_until_ = std::max(until, retry_after_until_);
    }
  }
  notify(t);
}

bool CircuitBreaker::available() const {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  switch (state_) {
    case BreakerState::closed:
      return !held_by_retry_after(now);
    case BreakerState::half_open:
      return probes_in_flight_ < settings_.half_open_probes;
    case BreakerState::open:
      return !forced_open_ && !probed_in_background_ && now >= open_until_;
  }
  return false;
}

BreakerSnapshot CircuitBreaker::snapshot() const {
  std::lock_guard lock(mutex_);
  BreakerSnapshot s;
  s.state = state_;
  s.forced_open = forced_open_;
  s.consecutive_failures = consecutive_failures_;
  s.window_calls = window_calls_;
  s.window_failures = window_failures_;
  s.window_slow = window_slow_;
  s.trips = trips_;
  s.probes_in_flight = probes_in_flight_;
  s.probe_successes = probe_successes_;
  if (state_ == BreakerState::open && !forced_open_) {
    s.open_until = open_until_;
  }
  if (held_by_retry_after(clock_.now())) s.retry_after_until = retry_after_until_;
  return s;
}

}  // namespace switchboard::resilience
