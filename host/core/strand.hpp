// Serial work over the shared executor: tasks posted to one strand run one
// at a time, in the order they were posted, on whichever worker is free. A
// session's state lives on its strand, so nothing in it needs a lock and its
// events leave in order. Posting takes a short lock and, in steady state,
// allocates nothing (both queues keep their capacity); running a task here
// when the strand is idle (run_if_idle) takes no lock at all.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/executor.hpp"

namespace switchboard::core {

class Strand : public std::enable_shared_from_this<Strand> {
 public:
  static std::shared_ptr<Strand> create(Executor &executor) { return std::make_shared<Strand>(executor); }
  explicit Strand(Executor &executor) : executor_(executor) {}

  // [any thread] Runs fn after everything posted before it, never alongside another task.
  void post(std::function<void()> fn);

  // [any thread] When nothing is queued or running on the strand, runs fn
  // here and now, on the calling thread, as one of the strand's tasks (what
  // is posted meanwhile runs after it, on a worker); returns false, having
  // run nothing, when the strand is busy. Spares a hand-off to a worker,
  // and the wake-up that costs, for work that arrives while the strand
  // sleeps. The caller keeps the strand alive for the call.
  template <class Fn>
  bool run_if_idle(Fn &&fn) {
    std::size_t idle = 0;
    if (!pending_.compare_exchange_strong(idle, 1, std::memory_order_acquire, std::memory_order_relaxed)) return false;
    struct Release {
      Strand &strand;
      ~Release() { strand.retire(1); }
    } release{*this};
    fn();
    return true;
  }

 private:
  void drain();
  void retire(std::size_t done);
  void schedule_drain();

  Executor &executor_;
  // Tasks posted or running and not yet finished. Whoever takes it from 0
  // owns the strand: a poster schedules a drain, run_if_idle runs here.
  // Whoever retires tasks and leaves some behind schedules the next drain.
  std::atomic<std::size_t> pending_{0};
  std::mutex mutex_;  // guards queue_
  std::vector<std::function<void()>> queue_;
  std::vector<std::function<void()>> running_;  // the drain's own
  std::shared_ptr<Strand> self_;                // while a drain is scheduled; touched by the owner only
};

}  // namespace switchboard::core
