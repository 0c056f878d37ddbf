// One provider in a chain: its backend, breaker, watchdog settings and the
// numbers operators see in /providers.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "resilience/backends.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/prober.hpp"

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
  std::atomic<std::uint64_t> probes{0};     // background recovery probes sent
  std::atomic<std::uint64_t> probe_failures{0};

  // A failed call: counted, and its message kept as the last error.
  void record_failure(const std::string &message);
  // The last error, not counted as a failed call (a probe's).
  void note_error(const std::string &message);
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
  int max_concurrent;  // 0: no limit
  config::ProbeSettings probe;
  std::string model;       // llm: asked instead of the request's, when set
  std::string answers_as;  // llm: the model it answers with (this model, else its config's "model"), or ""
  // tts: the voice asked for each conversation voice, and for any other.
  std::string voice;
  std::map<std::string, std::string> voice_map;
  // tts: the voice ids its plugin lists (read once, when the backend is
  // attached); empty when it lists none.
  std::vector<std::string> voices;
  bool fault_injected;
  bool shares_breaker;  // circuit: {share: redis}
  CircuitBreaker breaker;
  ProviderStats stats;
  std::atomic<int> in_flight{0};   // calls of this provider not yet ended
  std::shared_ptr<Prober> prober;  // with a probe: block, once the backend is attached
  // False when the instance could not be created; the chain skips it, and a
  // reload tries to create it again. Set before the provider is shared.
  bool enabled = true;

  // The voice to ask this provider for when the conversation wants
  // `wanted`: its voice_map's entry; else `wanted` when it is one of its
  // voices; else its configured voice; else `wanted` when it lists none
  // (it may know it), or "" (its default): a voice another provider has
  // never makes this one fail.
  std::string voice_for(const std::string &wanted) const;
  // What a client may ask this provider for: its voices and voice_map's names.
  std::vector<std::string> voice_names() const;

  // One of these, by kind.
  std::unique_ptr<LlmBackend> llm;
  std::unique_ptr<TtsBackend> tts;
  std::unique_ptr<SttBackend> stt;
};

}  // namespace switchboard::resilience
