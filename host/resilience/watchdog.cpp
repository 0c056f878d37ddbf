#include "resilience/watchdog.hpp"

namespace switchboard::resilience {

using std::chrono::milliseconds;

Watchdog::Watchdog(core::Clock &clock, const config::TimeoutSettings &timeouts, Fire fire)
    : clock_(clock), timeouts_(timeouts), fire_(std::move(fire)) {}

std::shared_ptr<Watchdog> Watchdog::start(core::Clock &clock, const config::TimeoutSettings &timeouts, Fire fire) {
  auto w = std::make_shared<Watchdog>(clock, timeouts, std::move(fire));
  std::lock_guard lock(w->mutex_);
  w->first_byte_ = clock.schedule(milliseconds(timeouts.first_byte_ms), [w](bool fired) {
    if (fired) w->fire_("no first byte after " + std::to_string(w->timeouts_.first_byte_ms) + " ms");
  });
  w->total_ = clock.schedule(milliseconds(timeouts.total_ms), [w](bool fired) {
    if (fired) w->fire_("not finished after " + std::to_string(w->timeouts_.total_ms) + " ms");
  });
  return w;
}

void Watchdog::first_byte() {
  activity();
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  if (first_byte_) first_byte_->cancel();
  first_byte_.reset();
  if (!idle_) arm_idle(milliseconds(timeouts_.idle_ms));
}

void Watchdog::activity() noexcept {
  last_activity_.store(clock_.now().time_since_epoch().count(), std::memory_order_relaxed);
}

void Watchdog::arm_idle(core::Duration delay) {
  auto self = shared_from_this();
  idle_ = clock_.schedule(delay, [self](bool fired) {
    if (fired) self->check_idle();
  });
}

void Watchdog::check_idle() {
  const auto last = core::TimePoint(core::Duration(last_activity_.load(std::memory_order_relaxed)));
  const auto left = milliseconds(timeouts_.idle_ms) - (clock_.now() - last);
  if (left.count() <= 0) {
    fire_("stream idle for " + std::to_string(timeouts_.idle_ms) + " ms");
    return;
  }
  std::lock_guard lock(mutex_);
  if (!stopped_) arm_idle(left);
}

void Watchdog::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  for (auto *t : {&first_byte_, &idle_, &total_}) {
    if (*t) (*t)->cancel();
    t->reset();
  }
}

}  // namespace switchboard::resilience
