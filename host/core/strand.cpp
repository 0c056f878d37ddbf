#include "core/strand.hpp"

namespace switchboard::core {

void Strand::post(std::function<void()> fn) {
  std::size_t before = 0;
  {
    // Counted under the lock that queues it, so a drain never takes a task
    // that is not counted yet.
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    before = pending_.fetch_add(1, std::memory_order_acq_rel);
  }
  if (before == 0) schedule_drain();  // the strand was idle: this poster owns it
}

void Strand::schedule_drain() {
  self_ = shared_from_this();
  executor_.post([this] { drain(); });
}

void Strand::retire(std::size_t done) {
  if (pending_.fetch_sub(done, std::memory_order_acq_rel) > done) schedule_drain();
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
  const std::size_t done = running_.size();
  running_.clear();
  // Still the owner here: nobody else touches self_ until pending_ is 0.
  std::shared_ptr<Strand> keep = std::move(self_);
  if (pending_.fetch_sub(done, std::memory_order_acq_rel) > done) {
    self_ = std::move(keep);
    executor_.post([this] { drain(); });
  }
  // The last reference may go here, after every member access.
}

}  // namespace switchboard::core
