// Gives freed heap memory back to the system a moment after a burst of
// frees (hundreds of sessions letting their audio paths go as their clients
// leave). The C library keeps what is freed for reuse, scattered between
// blocks still in use, so without a trim the process stays at its peak RSS.
// One malloc_trim for the burst, on a worker, never on the freeing thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "core/clock.hpp"
#include "core/executor.hpp"

namespace switchboard::core {

class HeapTrimmer {
 public:
  static constexpr std::size_t kDefaultThreshold = std::size_t{4} << 20;

  HeapTrimmer(Clock &clock, Executor &executor, std::size_t threshold_bytes = kDefaultThreshold,
              Duration delay = std::chrono::seconds(1));
  ~HeapTrimmer();
  HeapTrimmer(const HeapTrimmer &) = delete;
  HeapTrimmer &operator=(const HeapTrimmer &) = delete;

  // [any thread] `bytes` were freed. Once threshold_bytes have been since
  // the last trim, one is done `delay` later (frees meanwhile join it).
  void freed(std::size_t bytes);
  // Trims done so far.
  std::uint64_t trims() const noexcept { return state_->trims.load(std::memory_order_acquire); }

 private:
  struct State {
    std::atomic<std::size_t> pending{0};
    std::atomic<bool> scheduled{false};
    std::atomic<std::uint64_t> trims{0};
  };

  Clock &clock_;
  Executor &executor_;
  const std::size_t threshold_;
  const Duration delay_;
  std::shared_ptr<State> state_ = std::make_shared<State>();  // shared with a trim on its way
  std::mutex mutex_;                                          // guards timer_
  TimerPtr timer_;
};

}  // namespace switchboard::core
