// Serial work over the shared executor: tasks posted to one strand run one
// at a time, in the order they were posted, on whichever worker is free. A
// session's state lives on its strand, so nothing in it needs a lock and its
// events leave in order. Posting takes a short lock and, in steady state,
// allocates nothing (both queues keep their capacity).
#pragma once

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

 private:
  void drain();

  Executor &executor_;
  std::mutex mutex_;
  std::vector<std::function<void()>> queue_;
  std::vector<std::function<void()>> running_;
  std::shared_ptr<Strand> self_;  // while a drain is scheduled
};

}  // namespace switchboard::core
