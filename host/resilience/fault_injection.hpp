// A provider's `fault:` block as a decorator over its backend, so anyone can
// watch failover happen: calls that fail at once (error_rate, with a seed),
// added latency, calls that never answer (hang), and streams that break after
// a number of chunks (cut_after_chunks: tokens, audio chunks, or transcript
// results).
#pragma once

#include <memory>
#include <mutex>
#include <random>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "resilience/backends.hpp"

namespace switchboard::resilience {

// The decisions shared by all calls of one provider.
class FaultPlan {
 public:
  FaultPlan(config::FaultSettings settings, core::Clock &clock, core::Executor &executor);

  const config::FaultSettings &settings() const noexcept { return settings_; }
  core::Clock &clock() noexcept { return clock_; }
  core::Executor &executor() noexcept { return executor_; }
  // True for the calls error_rate picks to fail.
  bool draw_error();

 private:
  config::FaultSettings settings_;
  core::Clock &clock_;
  core::Executor &executor_;
  std::mutex mutex_;
  std::mt19937_64 rng_;
};

std::unique_ptr<LlmBackend> with_faults(std::unique_ptr<LlmBackend> inner, std::shared_ptr<FaultPlan> plan);
std::unique_ptr<TtsBackend> with_faults(std::unique_ptr<TtsBackend> inner, std::shared_ptr<FaultPlan> plan);
std::unique_ptr<SttBackend> with_faults(std::unique_ptr<SttBackend> inner, std::shared_ptr<FaultPlan> plan);

}  // namespace switchboard::resilience
