#include "core/strand.hpp"

namespace switchboard::core {

void Strand::post(std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(fn));
  if (self_) return;  // a drain is scheduled and will see it
  self_ = shared_from_this();
  executor_.post([this] { drain(); });
}

bool Strand::claim() {
  std::lock_guard lock(mutex_);
  if (self_) return false;  // a drain is scheduled or running
  self_ = shared_from_this();
  return true;
}

void Strand::release() {
  std::shared_ptr<Strand> keep;
  {
    std::lock_guard lock(mutex_);
    if (!queue_.empty()) {
      executor_.post([this] { drain(); });  // self_ stays: the drain lets it go
      return;
    }
    keep = std::move(self_);
  }
}

// One batch per turn on a worker, so a busy strand does not starve the others.
void Strand::drain() {
  {
    std::lock_guard lock(mutex_);
    std::swap(queue_, running_);
  }
  for (auto &task : running_) {
    task();
  }
  running_.clear();
  std::shared_ptr<Strand> keep;
  {
    std::lock_guard lock(mutex_);
    if (!queue_.empty()) {
      executor_.post([this] { drain(); });
      return;
    }
    keep = std::move(self_);
  }
  // The last reference may go here, after every member access.
}

}  // namespace switchboard::core
