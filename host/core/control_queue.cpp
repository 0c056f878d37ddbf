#include "core/control_queue.hpp"

namespace switchboard::core {

void ControlQueue::set_notify(std::function<void()> notify) {
  std::lock_guard lock(mutex_);
  notify_ = std::move(notify);
}

void ControlQueue::post(std::function<void()> fn) {
  std::function<void()> notify;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    notify = notify_;
  }
  posted_.notify_all();
  if (notify) notify();
}

std::size_t ControlQueue::run_pending() {
  std::size_t ran = 0;
  while (true) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return ran;
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    fn();
    ++ran;
  }
}

bool ControlQueue::wait_and_run(std::chrono::milliseconds limit) {
  {
    std::unique_lock lock(mutex_);
    if (!posted_.wait_for(lock, limit, [this] { return !queue_.empty(); })) return false;
  }
  run_pending();
  return true;
}

}  // namespace switchboard::core
