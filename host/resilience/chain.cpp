#include "resilience/chain.hpp"

#include <algorithm>

#include "core/time_format.hpp"
#include "resilience/provider.hpp"

namespace switchboard::resilience {
namespace {

std::chrono::system_clock::time_point wall_time(core::Clock &clock, core::TimePoint t) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(t - clock.now());
}

}  // namespace

Chain::Chain(std::string kind, std::vector<std::shared_ptr<Provider>> providers, ChainContext context,
             config::ChainSettings settings)
    : kind_(std::move(kind)), providers_(std::move(providers)), context_(std::move(context)), settings_(settings) {
  // The listener holds copies, not the chain: a provider reused by a reload
  // outlives the chain it came from.
  for (const auto &p : providers_) {
    p->breaker.set_listener([kind = kind_, name = p->name, sink = context_.events](BreakerState from, BreakerState to,
                                                                                   const std::string &why) {
      if (sink)
        sink({ChainEvent::Type::breaker, kind, name,
              std::string(to_string(from)) + " -> " + to_string(to) + ": " + why});
    });
  }
}

void Chain::emit(const ChainEvent &event, const ChainEventSink &per_call) const {
  if (context_.events) context_.events(event);
  if (per_call) per_call(event);
}

core::TimePoint Chain::deadline_from_now() const {
  if (settings_.call_ms <= 0) return core::TimePoint::max();
  return context_.clock.now() + std::chrono::milliseconds(settings_.call_ms);
}

std::string describe(const CallNotes &notes) {
  std::string out;
  for (const auto &n : notes) {
    out += (out.empty() ? "" : "; ") + *n.provider + ": " + (n.skipped != nullptr ? n.skipped : n.failure);
  }
  return out;
}

std::optional<Chain::Pick> Chain::pick(std::size_t from, const ChainEventSink &per_call, CallNotes *notes,
                                       bool allow_early, const std::vector<std::size_t> *order) {
  const std::size_t count = order != nullptr ? order->size() : providers_.size();
  auto at = [&](std::size_t position) { return order != nullptr ? (*order)[position] : position; };
  bool all_open = true;  // every provider passed over was refused by its breaker
  auto skip = [&](Provider &p, const char *why) {
    p.stats.skipped.fetch_add(1, std::memory_order_relaxed);
    emit({ChainEvent::Type::skipped, kind_, p.name, why}, per_call);
    if (notes != nullptr) notes->push_back({&p.name, why, {}});
  };
  for (std::size_t pos = from; pos < count; ++pos) {
    const std::size_t i = at(pos);
    Provider &p = *providers_[i];
    if (!p.enabled) {
      continue;
    }
    if (p.max_concurrent > 0 && p.in_flight.load(std::memory_order_relaxed) >= p.max_concurrent) {
      all_open = false;
      skip(p, "at max_concurrent");
      continue;
    }
    const Permit permit = p.breaker.try_acquire();
    if (permit.admitted) {
      p.in_flight.fetch_add(1, std::memory_order_relaxed);
      return Pick{i, permit, false, pos};
    }
    skip(p, permit.retry_after ? "retry-after" : "circuit open");
  }
  if (!all_open || !allow_early || !settings_.try_when_all_open) return std::nullopt;
  // Every breaker refused: rather than fail at once, try the open one that
  // would reopen first (not one forced open, nor one that asked to be left
  // alone with Retry-After).
  std::optional<std::size_t> soonest;
  std::size_t soonest_pos = 0;
  core::TimePoint soonest_at = core::TimePoint::max();
  for (std::size_t pos = from; pos < count; ++pos) {
    const std::size_t i = at(pos);
    const Provider &p = *providers_[i];
    if (!p.enabled) continue;
    const BreakerSnapshot b = p.breaker.snapshot();
    if (b.open_until && !b.retry_after_until && *b.open_until < soonest_at) {
      soonest = i;
      soonest_pos = pos;
      soonest_at = *b.open_until;
    }
  }
  if (!soonest) return std::nullopt;
  Provider &p = *providers_[*soonest];
  const Permit permit = p.breaker.try_acquire_early();
  if (!permit.admitted) return std::nullopt;
  p.in_flight.fetch_add(1, std::memory_order_relaxed);
  if (notes != nullptr) {  // it is being tried after all
    const auto it =
        std::find_if(notes->begin(), notes->end(), [&](const CallNote &n) { return n.provider == &p.name; });
    if (it != notes->end()) notes->erase(it);
  }
  return Pick{*soonest, permit, true, soonest_pos};
}

bool Chain::reset(const std::string &name) {
  bool found = false;
  for (const auto &p : providers_) {
    if (name.empty() || p->name == name) {
      p->breaker.reset();
      found = true;
    }
  }
  return found;
}

bool Chain::force_open(const std::string &name) {
  for (const auto &p : providers_) {
    if (p->name == name) {
      p->breaker.force_open();
      return true;
    }
  }
  return false;
}

std::string Chain::current() const {
  for (const auto &p : providers_) {
    if (p->enabled && p->breaker.available()) return p->name;
  }
  return "";
}

std::size_t Chain::available_count() const {
  std::size_t n = 0;
  for (const auto &p : providers_) {
    n += p->enabled && p->breaker.available() ? 1 : 0;
  }
  return n;
}

nlohmann::json Chain::view() const {
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t priority = 0; priority < providers_.size(); ++priority) {
    const auto &p = providers_[priority];
    const BreakerSnapshot b = p->breaker.snapshot();
    const bool available = p->enabled && p->breaker.available();
    nlohmann::json circuit = {
        {"name", kind_ + "_" + p->name},
        {"state", to_string(b.state)},
        {"is_available", available},
        {"forced_open", b.forced_open},
        {"consecutive_failures", b.consecutive_failures},
        {"window", {{"calls", b.window_calls}, {"failures", b.window_failures}, {"slow", b.window_slow}}},
        {"trips", b.trips},
        {"probes_in_flight", b.probes_in_flight},
        {"probe_successes", b.probe_successes},
        {"open_until",
         b.open_until ? nlohmann::json(core::iso_utc(wall_time(context_.clock, *b.open_until))) : nullptr},
        {"retry_after_until", b.retry_after_until
                                  ? nlohmann::json(core::iso_utc(wall_time(context_.clock, *b.retry_after_until)))
                                  : nullptr},
    };
    nlohmann::json entry = {
        {"name", p->name},
        {"plugin", p->plugin},
        {"priority", priority},
        {"enabled", p->enabled},
        {"available", available},
        {"circuit", circuit},
        {"stats", p->stats.to_json()},
        {"fault_injection", p->fault_injected},
        {"in_flight", p->in_flight.load(std::memory_order_relaxed)},
    };
    if (p->hedge_after_ms > 0) entry["hedge_after_ms"] = p->hedge_after_ms;
    if (p->max_concurrent > 0) entry["max_concurrent"] = p->max_concurrent;
    if (p->probe.enabled) entry["probe"] = {{"interval_seconds", p->probe.interval_seconds}};
    if (kind_ == "tts") entry["voices"] = p->voice_names();
    if (kind_ == "llm" && !p->answers_as.empty()) entry["model"] = p->answers_as;
    list.push_back(std::move(entry));
  }
  const std::string now = current();
  return {{"provider_type", kind_},
          {"current_provider", now.empty() ? nlohmann::json(nullptr) : nlohmann::json(now)},
          {"fallback_count", fallback_count()},
          {"providers", list}};
}

}  // namespace switchboard::resilience
