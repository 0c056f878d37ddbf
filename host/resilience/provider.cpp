#include "resilience/provider.hpp"

#include <algorithm>
#include <vector>

#include "core/time_format.hpp"
#include "resilience/events.hpp"

namespace switchboard::resilience {

const char *to_string(ChainEvent::Type type) noexcept {
  switch (type) {
    case ChainEvent::Type::selected:
      return "selected";
    case ChainEvent::Type::skipped:
      return "skipped";
    case ChainEvent::Type::failed:
      return "failed";
    case ChainEvent::Type::fallback:
      return "fallback";
    case ChainEvent::Type::hedge_started:
      return "hedge_started";
    case ChainEvent::Type::hedge_won:
      return "hedge_won";
    case ChainEvent::Type::exhausted:
      return "exhausted";
    case ChainEvent::Type::answering:
      return "answering";
    case ChainEvent::Type::breaker:
      return "breaker";
  }
  return "unknown";
}

Provider::Provider(const config::ProviderSpec &spec, core::Clock &clock)
    : kind(spec.kind),
      name(spec.name),
      plugin(spec.plugin),
      timeouts(spec.timeouts),
      hedge_after_ms(spec.hedge_after_ms),
      max_concurrent(spec.max_concurrent),
      probe(spec.probe),
      model(spec.model),
      answers_as(!spec.model.empty() ? spec.model
                 : spec.config.is_object() && spec.config.contains("model") && spec.config["model"].is_string()
                     ? spec.config["model"].get<std::string>()
                     : std::string()),
      voice(spec.voice),
      voice_map(spec.voice_map),
      fault_injected(spec.fault.enabled),
      shares_breaker(spec.circuit.share == "redis"),
      breaker(spec.circuit, clock, spec.probe.enabled) {}

std::string Provider::voice_for(const std::string &wanted) const {
  if (const auto it = voice_map.find(wanted); it != voice_map.end()) return it->second;
  if (!wanted.empty() && std::find(voices.begin(), voices.end(), wanted) != voices.end()) return wanted;
  if (!voice.empty()) return voice;
  return voices.empty() ? wanted : std::string();
}

std::vector<std::string> Provider::voice_names() const {
  std::vector<std::string> names = voices;
  for (const auto &[name, _] : voice_map) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

void ProviderStats::record_failure(const std::string &message) {
  failures.fetch_add(1, std::memory_order_relaxed);
  note_error(message);
}

void ProviderStats::note_error(const std::string &message) {
  std::lock_guard lock(mutex_);
  last_error_ = message;
  last_error_at_ = std::chrono::system_clock::now();
}

void ProviderStats::record_first_byte(std::chrono::duration<double, std::milli> elapsed) {
  std::lock_guard lock(mutex_);
  first_byte_ms_[samples_ % kSamples] = elapsed.count();
  ++samples_;
}

nlohmann::json ProviderStats::to_json() const {
  nlohmann::json out = {
      {"calls", calls.load()},         {"successes", successes.load()}, {"failures", failures.load()},
      {"timeouts", timeouts.load()},   {"skipped", skipped.load()},     {"cancelled", cancelled.load()},
      {"fallbacks", fallbacks.load()}, {"probes", probes.load()},       {"probe_failures", probe_failures.load()},
  };
  std::lock_guard lock(mutex_);
  if (last_error_.empty()) {
    out["last_error"] = nullptr;
  } else {
    out["last_error"] = {{"message", last_error_}, {"at", core::iso_utc(last_error_at_)}};
  }
  const std::size_t n = std::min(samples_, kSamples);
  nlohmann::json ttfb = {{"samples", samples_}};
  if (n > 0) {
    std::vector<double> sorted(first_byte_ms_.begin(), first_byte_ms_.begin() + static_cast<long>(n));
    std::sort(sorted.begin(), sorted.end());
    auto pct = [&](double p) { return sorted[std::min(n - 1, static_cast<std::size_t>(p * static_cast<double>(n)))]; };
    ttfb["p50"] = pct(0.50);
    ttfb["p90"] = pct(0.90);
    ttfb["p99"] = pct(0.99);
  }
  out["time_to_first_byte_ms"] = ttfb;
  return out;
}

}  // namespace switchboard::resilience
