#include "resilience/circuit_breaker.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::resilience {

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

CircuitBreaker::CircuitBreaker(config::CircuitSettings settings, core::Clock &clock)
    : settings_(settings), clock_(clock), window_(static_cast<std::size_t>(std::max(1, settings.window)), 0) {}

void CircuitBreaker::set_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

core::Duration CircuitBreaker::open_duration() const {
  const double seconds =
      std::min(settings_.max_open_seconds, settings_.open_seconds * std::pow(2.0, std::max(0, reopen_streak_ - 1)));
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(seconds));
}

void CircuitBreaker::trip(const std::string &why, std::optional<Transition> &out) {
  out = Transition{state_, BreakerState::open, why};
  state_ = BreakerState::open;
  ++trips_;
  ++reopen_streak_;
  ++generation_;
  probes_in_flight_ = 0;
  open_until_ = clock_.now() + open_duration();
}

void CircuitBreaker::clear_window() {
  std::fill(window_.begin(), window_.end(), 0);
  window_next_ = 0;
  window_calls_ = 0;
  window_failures_ = 0;
  consecutive_failures_ = 0;
}

void CircuitBreaker::record(bool failed) {
  if (window_calls_ == static_cast<int>(window_.size())) {
    window_failures_ -= window_[window_next_];
  } else {
    ++window_calls_;
  }
  window_[window_next_] = failed ? 1 : 0;
  window_failures_ += failed ? 1 : 0;
  window_next_ = (window_next_ + 1) % window_.size();
  consecutive_failures_ = failed ? consecutive_failures_ + 1 : 0;
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
    if (state_ == BreakerState::open && !forced_open_ && clock_.now() >= open_until_) {
      t = Transition{state_, BreakerState::half_open, "open period over"};
      state_ = BreakerState::half_open;
      ++generation_;
    }
    if (state_ == BreakerState::closed) {
      permit = {true, false, generation_};
    } else if (state_ == BreakerState::half_open && probes_in_flight_ < settings_.half_open_probes) {
      ++probes_in_flight_;
      permit = {true, true, generation_};
    }
  }
  notify(t);
  return permit;
}

void CircuitBreaker::on_success(const Permit &permit) {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    // A result of a call admitted before the last state change is not counted.
    if (permit.generation != generation_) {
      return;
    }
    if (permit.probe) {
      --probes_in_flight_;
      t = Transition{state_, BreakerState::closed, "probe succeeded"};
      state_ = BreakerState::closed;
      reopen_streak_ = 0;
      ++generation_;
      clear_window();
      probes_in_flight_ = 0;
    } else {
      record(false);
    }
  }
  notify(t);
}

void CircuitBreaker::on_failure(const Permit &permit) {
  std::optional<Transition> t;
  {
    std::lock_guard lock(mutex_);
    if (permit.generation != generation_) {
      return;
    }
    if (permit.probe) {
      trip("probe failed", t);
    } else {
      record(true);
      const bool rate_exceeded =
          window_calls_ >= settings_.min_calls &&
          static_cast<double>(window_failures_) >= settings_.failure_rate * static_cast<double>(window_calls_);
      if (consecutive_failures_ >= settings_.failure_threshold) {
        trip(std::to_string(consecutive_failures_) + " consecutive failures", t);
        clear_window();
      } else if (rate_exceeded) {
        trip(std::to_string(window_failures_) + " of the last " + std::to_string(window_calls_) + " calls failed", t);
        clear_window();
      }
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
    if (state_ != BreakerState::closed) {
      t = Transition{state_, BreakerState::closed, "reset by operator"};
    }
    state_ = BreakerState::closed;
    forced_open_ = false;
    reopen_streak_ = 0;
    probes_in_flight_ = 0;
    ++generation_;
    clear_window();
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
    ++generation_;
  }
  notify(t);
}

bool CircuitBreaker::available() const {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case BreakerState::closed:
      return true;
    case BreakerState::half_open:
      return probes_in_flight_ < settings_.half_open_probes;
    case BreakerState::open:
      return !forced_open_ && clock_.now() >= open_until_;
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
  s.trips = trips_;
  s.probes_in_flight = probes_in_flight_;
  if (state_ == BreakerState::open && !forced_open_) {
    s.open_until = open_until_;
  }
  return s;
}

}  // namespace switchboard::resilience
