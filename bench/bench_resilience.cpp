// What resilience costs and buys:
// - a call through a chain with a closed breaker vs the same call made directly;
// - skipping a provider whose breaker is open (counters: timers armed per call);
// - the same with slow-call accounting and a bulkhead on;
// - failover latency when the primary refuses at once, and when it hangs
//   (bounded by first_byte_ms, or by hedge_after_ms), against the secondary alone;
// - a user's wait when the primary is dead and background probes are on
//   (probes run beside the users' calls, which skip the open breaker).
#include <atomic>
#include <condition_variable>
#include <thread>

#include <benchmark/benchmark.h>

#include "allocation_counter.hpp"
#include "core/system_clock.hpp"
#include "resilience/llm_chain.hpp"
#include "resilience/prober.hpp"

namespace sb = switchboard;
using sb::resilience::Outcome;
using sb::resilience::Status;

namespace {

// Answers one token and ends, before start() returns: no I/O, no thread.
class SyncLlm : public sb::resilience::LlmBackend {
 public:
  Outcome start(sb::plugin::LlmRequest &, sb::plugin::LlmHandler &h, const sb::plugin::CancelSource &) override {
    h.on_token("ok");
    h.on_done({});
    return {};
  }
};

// Refuses at once, as a closed port does.
class RefusingLlm : public sb::resilience::LlmBackend {
 public:
  Outcome start(sb::plugin::LlmRequest &, sb::plugin::LlmHandler &, const sb::plugin::CancelSource &) override {
    return {Status::retryable, "connection refused", 0};
  }
};

// Never answers until cancelled.
class HangingLlm : public sb::resilience::LlmBackend {
 public:
  Outcome start(sb::plugin::LlmRequest &, sb::plugin::LlmHandler &h, const sb::plugin::CancelSource &c) override {
    const sb_cancel_token *t = c.token();
    t->subscribe(
        t->ctx,
        [](void *u) {
          static_cast<sb::plugin::LlmHandler *>(u)->on_done({Status::cancelled, "", 0});
        },
        &h);
    return {};
  }
};

// Answers one token after `delay` on the executor's timers.
class DelayedLlm : public sb::resilience::LlmBackend {
 public:
  DelayedLlm(sb::core::Clock &clock, std::chrono::microseconds delay) : clock_(clock), delay_(delay) {}
  Outcome start(sb::plugin::LlmRequest &, sb::plugin::LlmHandler &h, const sb::plugin::CancelSource &) override {
    clock_.schedule(delay_, [&h](bool) {
      h.on_token("ok");
      h.on_done({});
    });
    return {};
  }

 private:
  sb::core::Clock &clock_;
  std::chrono::microseconds delay_;
};

// Counts the timers armed, to show that skipping a provider arms none.
class CountingClock : public sb::core::Clock {
 public:
  explicit CountingClock(sb::core::Clock &inner) : inner_(inner) {}
  sb::core::TimePoint now() const override { return inner_.now(); }
  sb::core::TimerPtr schedule(sb::core::Duration d, std::function<void(bool)> fn) override {
    timers.fetch_add(1, std::memory_order_relaxed);
    return inner_.schedule(d, std::move(fn));
  }
  std::atomic<std::uint64_t> timers{0};

 private:
  sb::core::Clock &inner_;
};

struct Rig {
  sb::core::Executor executor{2};
  sb::core::SystemClock system{executor};
  CountingClock clock{system};
  sb::core::DeadlineWheel wheel{clock};

  std::shared_ptr<sb::resilience::Provider> provider(const std::string &name,
                                                     std::unique_ptr<sb::resilience::LlmBackend> backend,
                                                     int first_byte_ms = 10000, int hedge_after_ms = 0,
                                                     const std::function<void(sb::config::ProviderSpec &)> &more = {}) {
    sb::config::ProviderSpec spec;
    spec.kind = "llm";
    spec.name = name;
    spec.timeouts.first_byte_ms = first_byte_ms;
    spec.hedge_after_ms = hedge_after_ms;
    spec.circuit.failure_threshold = 1000;
    spec.circuit.min_calls = 10000;
    spec.circuit.window = 10000;
    if (more) more(spec);
    auto p = std::make_shared<sb::resilience::Provider>(spec, clock);
    p->llm = std::move(backend);
    return p;
  }
  std::shared_ptr<sb::resilience::LlmChain> chain(std::vector<std::shared_ptr<sb::resilience::Provider>> providers) {
    return std::make_shared<sb::resilience::LlmChain>(std::move(providers),
                                                      sb::resilience::ChainContext{clock, executor, wheel, nullptr});
  }
};

class Waiter : public sb::resilience::LlmListener, public sb::plugin::LlmHandler {
 public:
  void on_token(std::string_view) override {
    std::lock_guard lock(mutex_);
    if (first_ == std::chrono::steady_clock::time_point{}) first_ = std::chrono::steady_clock::now();
  }
  void on_done(const Outcome &) override {
    std::lock_guard lock(mutex_);
    done_ = true;
    cv_.notify_all();
  }
  // Time from `start` to the first token, after the call has ended.
  double wait_first(std::chrono::steady_clock::time_point start) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return done_; });
    return std::chrono::duration<double>(first_ - start).count();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::chrono::steady_clock::time_point first_{};
};

class Sink : public sb::resilience::LlmListener, public sb::plugin::LlmHandler {
 public:
  void on_token(std::string_view) override { ++tokens; }
  void on_done(const Outcome &) override { ++dones; }
  std::size_t tokens = 0;
  std::size_t dones = 0;
};

sb::resilience::LlmChainRequest request() {
  sb::resilience::LlmChainRequest r;
  r.messages = {{"user", "hi"}};
  return r;
}

double allocations_per_call(std::uint64_t before, const benchmark::State &state) {
  return static_cast<double>(switchboard::bench::allocations() - before) / static_cast<double>(state.iterations());
}

void BM_DirectCall(benchmark::State &state) {
  SyncLlm backend;
  Sink sink;
  sb::plugin::LlmRequest req;
  req.messages = {{"user", "hi"}};
  const auto allocs = switchboard::bench::allocations();
  for (auto _ : state) {
    sb::plugin::CancelSource cancel;
    benchmark::DoNotOptimize(backend.start(req, sink, cancel));
  }
  state.counters["allocs_per_call"] = allocations_per_call(allocs, state);
}

// Calls that end at once, through `chain`; counts allocations and timers armed.
void chain_calls(benchmark::State &state, Rig &rig, sb::resilience::LlmChain &chain) {
  Sink sink;
  const auto req = request();
  const auto timers = rig.clock.timers.load();
  const auto allocs = switchboard::bench::allocations();
  for (auto _ : state) {
    benchmark::DoNotOptimize(chain.start(req, sink));
  }
  state.counters["allocs_per_call"] = allocations_per_call(allocs, state);
  state.counters["timers_per_call"] =
      static_cast<double>(rig.clock.timers.load() - timers) / static_cast<double>(state.iterations());
  if (sink.dones != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a call did not end");
}

void BM_ChainCallClosedBreaker(benchmark::State &state) {
  Rig rig;
  auto chain = rig.chain({rig.provider("only", std::make_unique<SyncLlm>())});
  chain_calls(state, rig, *chain);
}

// The same as a closed-breaker call: the skipped provider gets no call and
// arms no timer.
void BM_ChainCallSkippingOpenBreaker(benchmark::State &state) {
  Rig rig;
  auto primary = rig.provider("primary", std::make_unique<SyncLlm>());
  primary->breaker.force_open();
  auto chain = rig.chain({primary, rig.provider("secondary", std::make_unique<SyncLlm>())});
  chain_calls(state, rig, *chain);
  state.counters["primary_calls"] = static_cast<double>(primary->stats.calls.load());
}

// Slow calls judged (every call is timed against slow_call_ms) and a bulkhead
// (in-flight counted against max_concurrent): what they add per call.
void BM_ChainCallSlowCallsAndBulkhead(benchmark::State &state) {
  Rig rig;
  auto chain = rig.chain({rig.provider("only", std::make_unique<SyncLlm>(), 10000, 0, [](auto &spec) {
    spec.circuit.slow_call_ms = 1000;
    spec.max_concurrent = 64;
  })});
  chain_calls(state, rig, *chain);
}

// Time to the first token, in real time, through the chain.
// `after` runs before the rig goes.
void failover(benchmark::State &state,
              const std::function<std::vector<std::shared_ptr<sb::resilience::Provider>>(Rig &)> &make,
              const std::function<void()> &after = {}) {
  Rig rig;
  auto chain = rig.chain(make(rig));
  for (auto _ : state) {
    Waiter w;
    const auto start = std::chrono::steady_clock::now();
    auto call = chain->start(request(), w);
    state.SetIterationTime(w.wait_first(start));
  }
  if (after) after();
}

constexpr auto kSecondaryDelay = std::chrono::microseconds(2000);

void BM_SecondaryAlone(benchmark::State &state) {
  failover(state, [](Rig &r) {
    return std::vector{r.provider("secondary", std::make_unique<DelayedLlm>(r.clock, kSecondaryDelay))};
  });
}

void BM_FailoverPrimaryRefuses(benchmark::State &state) {
  failover(state, [](Rig &r) {
    return std::vector{r.provider("primary", std::make_unique<RefusingLlm>()),
                       r.provider("secondary", std::make_unique<DelayedLlm>(r.clock, kSecondaryDelay))};
  });
}

void BM_FailoverPrimaryHangsFirstByte20ms(benchmark::State &state) {
  failover(state, [](Rig &r) {
    return std::vector{r.provider("primary", std::make_unique<HangingLlm>(), 20),
                       r.provider("secondary", std::make_unique<DelayedLlm>(r.clock, kSecondaryDelay))};
  });
}

// The primary hangs and its breaker is open; a probe every 10 ms (each timing
// out after 5 ms) runs beside the users' calls, which go to the secondary.
void BM_PrimaryDeadWithBackgroundProbes(benchmark::State &state) {
  std::shared_ptr<sb::resilience::Provider> primary;
  std::shared_ptr<sb::resilience::Prober> prober;
  failover(
      state,
      [&](Rig &r) {
        primary = r.provider("primary", std::make_unique<HangingLlm>(), 20, 0, [](auto &spec) {
          spec.circuit.failure_threshold = 1;
          spec.probe.enabled = true;
          spec.probe.interval_seconds = 0.01;
          spec.probe.timeout_ms = 5;
        });
        primary->breaker.on_failure(primary->breaker.try_acquire());  // it failed once: open
        prober = std::make_shared<sb::resilience::Prober>(primary, r.clock, r.executor);
        prober->start();
        return std::vector{primary, r.provider("secondary", std::make_unique<DelayedLlm>(r.clock, kSecondaryDelay))};
      },
      [&] {
        state.counters["probes"] = static_cast<double>(primary->stats.probes.load());
        state.counters["primary_user_calls"] = static_cast<double>(primary->stats.calls.load());
        prober.reset();
        // A probe still in flight holds the provider until its timeout ends it:
        // it must be over before the rig (its clock and workers) goes.
        for (int i = 0; i < 1000 && primary.use_count() > 2; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        primary.reset();
      });
}

void BM_FailoverPrimaryHangsHedge5ms(benchmark::State &state) {
  failover(state, [](Rig &r) {
    return std::vector{r.provider("primary", std::make_unique<HangingLlm>(), 20, 5),
                       r.provider("secondary", std::make_unique<DelayedLlm>(r.clock, kSecondaryDelay))};
  });
}

}  // namespace

BENCHMARK(BM_DirectCall);
BENCHMARK(BM_ChainCallClosedBreaker);
BENCHMARK(BM_ChainCallSkippingOpenBreaker);
BENCHMARK(BM_ChainCallSlowCallsAndBulkhead);
BENCHMARK(BM_SecondaryAlone)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(50);
BENCHMARK(BM_FailoverPrimaryRefuses)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(50);
BENCHMARK(BM_FailoverPrimaryHangsFirstByte20ms)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_FailoverPrimaryHangsHedge5ms)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_PrimaryDeadWithBackgroundProbes)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(50);
BENCHMARK_MAIN();
