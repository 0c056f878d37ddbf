// What chains report: per call (to the caller's listener) and globally (to
// the host, for logs and metrics).
#pragma once

#include <functional>
#include <string>

namespace switchboard::resilience {

struct ChainEvent {
  enum class Type {
    selected,       // a provider took the call (or took over after a failure)
    skipped,        // its breaker refused
    failed,         // a counted failure: error or watchdog
    fallback,       // the call moved on to the next provider
    hedge_started,  // a second provider started alongside a slow first one
    hedge_won,      // the provider that answered first; the other is cancelled
    exhausted,      // every provider failed or was skipped
    answering,      // the provider whose words (or audio) the user gets from now on
    breaker,        // a breaker changed state; stays last (counters are indexed by type)
  };
  Type type;
  std::string kind;      // stt, llm, tts
  std::string provider;  // empty for `exhausted`
  std::string detail;
};

const char *to_string(ChainEvent::Type type) noexcept;

using ChainEventSink = std::function<void(const ChainEvent &)>;

}  // namespace switchboard::resilience
