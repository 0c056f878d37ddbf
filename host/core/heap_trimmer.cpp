#include "core/heap_trimmer.hpp"

#include <malloc.h>

namespace switchboard::core {

HeapTrimmer::HeapTrimmer(Clock &clock, Executor &executor, std::size_t threshold_bytes, Duration delay)
    : clock_(clock), executor_(executor), threshold_(threshold_bytes), delay_(delay) {}

HeapTrimmer::~HeapTrimmer() {
  std::lock_guard lock(mutex_);
  if (timer_) timer_->cancel();
}

void HeapTrimmer::freed(std::size_t bytes) {
  if (state_->pending.fetch_add(bytes, std::memory_order_acq_rel) + bytes < threshold_) return;
  if (state_->scheduled.exchange(true, std::memory_order_acq_rel)) return;  // one is on its way
  std::lock_guard lock(mutex_);
  timer_ = clock_.schedule(delay_, [state = state_, &executor = executor_](bool fired) {
    if (!fired) return;
    executor.post([state] {
      // What is freed from here on counts towards the next trim.
      state->pending.store(0, std::memory_order_release);
      state->scheduled.store(false, std::memory_order_release);
      ::malloc_trim(0);
      state->trims.fetch_add(1, std::memory_order_acq_rel);
    });
  });
}

}  // namespace switchboard::core
