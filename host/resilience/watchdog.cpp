#include "resilience/watchdog.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;

core::TimePoint at(core::TimePoint::rep rep) {
  return core::TimePoint(core::Duration(rep));
}

}  // namespace

std::string Watchdog::describe(Kind kind, int ms) {
  switch (kind) {
    case Kind::first_byte:
      return "no first byte after " + std::to_string(ms) + " ms";
    case Kind::idle:
      return "stream idle for " + std::to_string(ms) + " ms";
    case Kind::total:
      return "not finished after " + std::to_string(ms) + " ms";
    case Kind::budget:
      return "no answer within the call budget of " + std::to_string(ms) + " ms";
  }
  return "watchdog";
}

void Watchdog::start(Owner &owner, Limits limits, bool wait_first_byte) {
  owner_ = &owner;
  limits_ = limits;
  started_ = wheel_.clock().now();
  first_byte_from_.store(started_.time_since_epoch().count());
  waiting_first_byte_.store(wait_first_byte);
  got_first_.store(false);
  hedged_.store(limits.hedge_after_ms == 0);
  last_activity_.store(started_.time_since_epoch().count());
  deadline_.store(limits.deadline.time_since_epoch().count());
  stopped_.store(false);
  rearm();
}

void Watchdog::set_deadline(core::TimePoint deadline) {
  deadline_.store(deadline.time_since_epoch().count());
  rearm();
}

void Watchdog::first_byte() {
  activity();
  got_first_.store(true);
  rearm();  // the idle deadline may come before the one armed
}

void Watchdog::activity() noexcept {
  last_activity_.store(wheel_.clock().now().time_since_epoch().count(), std::memory_order_relaxed);
}

void Watchdog::expect_first_byte() {
  got_first_.store(false);
  first_byte_from_.store(wheel_.clock().now().time_since_epoch().count());
  waiting_first_byte_.store(true);
  rearm();
}

void Watchdog::stop() {
  stopped_.store(true);
  wheel_.disarm(*this);
}

core::TimePoint Watchdog::next_deadline() const {
  core::TimePoint next = core::TimePoint::max();
  auto consider = [&](core::TimePoint t) { next = std::min(next, t); };
  const bool first = got_first_.load();
  if (!first && waiting_first_byte_.load() && limits_.first_byte_ms > 0) {
    consider(at(first_byte_from_.load()) + milliseconds(limits_.first_byte_ms));
  }
  if (!first && !hedged_.load()) consider(started_ + milliseconds(limits_.hedge_after_ms));
  if (first && limits_.idle_ms > 0) consider(at(last_activity_.load()) + milliseconds(limits_.idle_ms));
  if (limits_.total_ms > 0) consider(started_ + milliseconds(limits_.total_ms));
  consider(at(deadline_.load()));
  return next;
}

void Watchdog::rearm() {
  if (stopped_.load()) return;
  const core::TimePoint next = next_deadline();
  if (next == core::TimePoint::max()) {
    wheel_.disarm(*this);
  } else {
    wheel_.arm(*this, next);
  }
}

bool Watchdog::pin() {
  return !stopped_.load() && owner_->pin();
}
void Watchdog::unpin() {
  owner_->unpin();
}

void Watchdog::on_deadline() {
  if (stopped_.load()) return;
  const auto now = wheel_.clock().now();
  const bool first = got_first_.load();
  if (!first && !hedged_.load() && now >= started_ + milliseconds(limits_.hedge_after_ms)) {
    hedged_.store(true);
    owner_->on_hedge();
  }
  if (now >= at(deadline_.load())) {
    stopped_.store(true);
    owner_->on_watchdog(Kind::budget, 0);
    return;
  }
  if (limits_.total_ms > 0 && now >= started_ + milliseconds(limits_.total_ms)) {
    stopped_.store(true);
    owner_->on_watchdog(Kind::total, limits_.total_ms);
    return;
  }
  if (!first && waiting_first_byte_.load() && limits_.first_byte_ms > 0 &&
      now >= at(first_byte_from_.load()) + milliseconds(limits_.first_byte_ms)) {
    stopped_.store(true);
    owner_->on_watchdog(Kind::first_byte, limits_.first_byte_ms);
    return;
  }
  if (first && limits_.idle_ms > 0 && now >= at(last_activity_.load()) + milliseconds(limits_.idle_ms)) {
    stopped_.store(true);
    owner_->on_watchdog(Kind::idle, limits_.idle_ms);
    return;
  }
  rearm();
}

}  // namespace switchboard::resilience
