#include "core/manual_clock.hpp"

namespace switchboard::core {

class ManualClock::ManualTimer : public Timer {
 public:
  ManualTimer(ManualClock &clock, std::uint64_t id) : clock_(clock), id_(id) {}
  void cancel() override { clock_.cancel(id_); }

 private:
  ManualClock &clock_;
  std::uint64_t id_;
};

TimePoint ManualClock::now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

TimerPtr ManualClock::schedule(Duration delay, std::function<void(bool fired)> fn) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  timers_.emplace(now_ + delay, Entry{id, std::move(fn)});
  return std::make_shared<ManualTimer>(*this, id);
}

void ManualClock::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.id == id) {
      cancelled_.push_back(std::move(it->second.fn));
      timers_.erase(it);
      return;
    }
  }
}

void ManualClock::advance(Duration d) {
  flush();
  std::unique_lock lock(mutex_);
  const TimePoint target = now_ + d;
  while (!timers_.empty() && timers_.begin()->first <= target) {
    auto node = timers_.extract(timers_.begin());
    now_ = node.key();
    lock.unlock();
    node.mapped().fn(true);
    flush();
    lock.lock();
  }
  now_ = target;
}

void ManualClock::flush() {
  std::vector<std::function<void(bool)>> cancelled;
  {
    std::lock_guard lock(mutex_);
    cancelled.swap(cancelled_);
  }
  for (auto &fn : cancelled) {
    fn(false);
  }
}

std::size_t ManualClock::pending() const {
  std::lock_guard lock(mutex_);
  return timers_.size() + cancelled_.size();
}

}  // namespace switchboard::core
