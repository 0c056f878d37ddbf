// What the stt, llm and tts chains share: providers in priority order, the
// choice of the first one whose breaker admits a call (never sticky), the
// operator's controls, and the JSON view of GET /providers.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/deadline_wheel.hpp"
#include "core/executor.hpp"
#include "resilience/events.hpp"
#include "resilience/provider.hpp"

namespace switchboard::resilience {

// Why a call passed a provider by: a failure's message, or the reason it was
// skipped (a fixed text: noting a skip allocates nothing). In order; the
// final error lists them ("a: circuit open; b: upstream 503").
struct CallNote {
  const std::string *provider;
  const char *skipped = nullptr;
  std::string failure;
};
using CallNotes = boost::container::small_vector<CallNote, 4>;
std::string describe(const CallNotes &notes);

struct ChainContext {
  core::Clock &clock;
  core::Executor &executor;
  core::DeadlineWheel &wheel;  // every provider call's watchdog
  // Global events (breaker changes and every per-call event) for logs and metrics.
  ChainEventSink events;
};

class Chain : public std::enable_shared_from_this<Chain> {
 public:
  Chain(std::string kind, std::vector<std::shared_ptr<Provider>> providers, ChainContext context,
        config::ChainSettings settings = {});
  virtual ~Chain() = default;

  const std::string &kind() const noexcept { return kind_; }
  const std::vector<std::shared_ptr<Provider>> &providers() const noexcept { return providers_; }
  ChainContext &context() noexcept { return context_; }
  const config::ChainSettings &settings() const noexcept { return settings_; }
  // When a call starting now runs out of its budget (call_ms), or never.
  core::TimePoint deadline_from_now() const;

  // Operator actions. An empty name means every provider; false when the
  // name matches none.
  bool reset(const std::string &name = {});
  bool force_open(const std::string &name);

  // The highest-priority provider a call would go to now, or "" if none.
  std::string current() const;
  std::size_t available_count() const;
  std::uint64_t fallback_count() const noexcept { return fallbacks_.load(std::memory_order_relaxed); }
  nlohmann::json view() const;

  struct Pick {
    std::size_t index;
    Permit permit;
    bool early = false;        // every breaker was open: this one reopens soonest
    std::size_t position = 0;  // in the order asked for (the index, without one)
  };
  // The first provider at or after `from` that is enabled, has room under
  // its max_concurrent and whose breaker admits a call; each one passed over
  // is reported as skipped (and, with `notes`, noted there).
  // When every one passed over was open and the chain allows it, the open
  // one whose open period ends soonest takes the call early. The pick holds
  // a place among the provider's calls in flight until the attempt ends.
  // With `order` (provider indices), `from` is a position in it.
  std::optional<Pick> pick(std::size_t from, const ChainEventSink &per_call, CallNotes *notes = nullptr,
                           bool allow_early = true, const std::vector<std::size_t> *order = nullptr);
  void note_fallback() noexcept { fallbacks_.fetch_add(1, std::memory_order_relaxed); }
  // Sends an event to the host and, when given, to the call's listener.
  void emit(const ChainEvent &event, const ChainEventSink &per_call) const;

 private:
  std::string kind_;
  std::vector<std::shared_ptr<Provider>> providers_;
  ChainContext context_;
  config::ChainSettings settings_;
  std::atomic<std::uint64_t> fallbacks_{0};
};

}  // namespace switchboard::resilience
