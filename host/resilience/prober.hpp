// Background recovery probes for one provider (its `probe:` block). While
// its breaker is open, every interval_seconds a small synthetic request goes
// to it off the users' path: a one-token completion (llm), one short word
// (tts), half a second of silence (stt). The probe is the breaker's
// half-open call: its success closes the breaker (after half_open_successes
// of them), its failure or a timeout reopens it. Users' calls never wait on
// a dead provider: with probes on, an open breaker does not half-open for
// them (see CircuitBreaker).
#pragma once

#include <memory>

#include "core/clock.hpp"
#include "core/executor.hpp"

namespace switchboard::resilience {

struct Provider;

class Prober : public std::enable_shared_from_this<Prober> {
 public:
  // The provider must be owned by a shared_ptr; the prober holds it weakly
  // and a probe in flight holds it strongly.
  Prober(std::weak_ptr<Provider> provider, core::Clock &clock, core::Executor &executor);
  ~Prober();
  Prober(const Prober &) = delete;
  Prober &operator=(const Prober &) = delete;

  // Starts the ticks; they stop when the prober goes.
  void start();

 private:
  void schedule();
  void tick();

  std::weak_ptr<Provider> provider_;
  core::Clock &clock_;
  core::Executor &executor_;
  core::TimerPtr timer_;
};

}  // namespace switchboard::resilience
