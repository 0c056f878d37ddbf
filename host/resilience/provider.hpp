// One provider in a chain: its backend, breaker, watchdog settings and the
// numbers operators see in /providers.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "resilience/backends.hpp"
#include "resilience/circuit_breaker.hpp"

namespace switchboard::resilience {

class ProviderStats {
 public:
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> successes{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> skipped{0};
  std::atomic<std::uint64_t> cancelled{0};
  std::atomic<std::uint64_t> fallbacks{0};  // calls that moved on from here

  void record_failure(const std::string &message);
  void record_first_byte(std::chrono::duration<double, std::milli> elapsed);
  nlohmann::json to_json() const;

 private:
  static constexpr std::size_t kSamples = 512;
  mutable std::mutex mutex_;
  std::string last_error_;
  std::chrono::system_clock::time_point last_error_at_{};
  std::array<double, kSamples> first_byte_ms_{};
  std::size_t samples_ = 0;
};

// Shared by every chain that lists it (a reload reuses unchanged providers
// while calls on the old chain still run): nothing here depends on where a
// chain puts it. Its priority is its place in each chain's own list.
struct Provider {
  Provider(const config::ProviderSpec &spec, core::Clock &clock);

  std::string kind;
  std::string name;
  std::string plugin;
  config::TimeoutSettings timeouts;
  int hedge_after_ms;
  bool fault_injected;
  CircuitBreaker breaker;
  ProviderStats stats;
  // False when the instance could not be created; the chain skips it, and a
  // reload tries to create it again. Set before the provider is shared.
  bool enabled = true;

  // One of these, by kind.
  std::unique_ptr<LlmBackend> llm;
  std::unique_ptr<TtsBackend> tts;
  std::unique_ptr<SttBackend> stt;
};

}  // namespace switchboard::resilience
