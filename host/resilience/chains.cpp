#include "resilience/chains.hpp"

#include "resilience/fault_injection.hpp"

namespace switchboard::resilience {
namespace {

void attach_backend(Provider &p, const std::shared_ptr<plugin::Instance> &instance, const config::ProviderSpec &spec,
                    ChainContext &context) {
  std::shared_ptr<FaultPlan> plan;
  if (spec.fault.enabled) plan = std::make_shared<FaultPlan>(spec.fault, context.clock, context.executor);
  if (spec.kind == "llm") {
    p.llm = llm_backend(instance);
    if (plan) p.llm = with_faults(std::move(p.llm), plan);
  } else if (spec.kind == "tts") {
    p.tts = tts_backend(instance);
    if (plan) p.tts = with_faults(std::move(p.tts), plan);
    nlohmann::json listed;
    if (p.tts->voices(listed).ok() && listed.is_array()) {
      for (const auto &v : listed) {
        if (v.is_object() && v.contains("id") && v["id"].is_string()) p.voices.push_back(v["id"]);
      }
    }
  } else {
    p.stt = stt_backend(instance);
    if (plan) p.stt = with_faults(std::move(p.stt), plan);
  }
}

}  // namespace

std::string fingerprint(const config::ProviderSpec &s) {
  const auto &c = s.circuit;
  const auto &t = s.timeouts;
  const auto &f = s.fault;
  return nlohmann::json{
      s.kind,
      s.name,
      s.plugin,
      s.config,
      c.failure_threshold,
      c.window,
      c.min_calls,
      c.failure_rate,
      c.open_seconds,
      c.max_open_seconds,
      c.half_open_probes,
      c.open_jitter,
      c.half_open_successes,
      c.slow_call_ms,
      c.slow_call_rate,
      t.first_byte_ms,
      t.idle_ms,
      t.total_ms,
      s.hedge_after_ms,
      s.max_concurrent,
      s.probe.enabled,
      s.probe.interval_seconds,
      s.probe.timeout_ms,
      s.probe.text,
      s.model,
      s.voice,
      s.voice_map,
      f.enabled,
      f.error_rate,
      f.latency_ms,
      f.hang,
      f.cut_after_chunks,
      f.seed,
  }
      .dump();
}

std::shared_ptr<Chains> Chains::build(const config::Config &config, const InstanceFor &instance_for,
                                      ChainContext context, const Chains *previous) {
  auto chains = std::make_shared<Chains>();
  auto providers_of = [&](const std::vector<config::ProviderSpec> &specs) {
    std::vector<std::shared_ptr<Provider>> out;
    for (const auto &spec : specs) {
      const std::string key = fingerprint(spec);
      std::shared_ptr<Provider> p;
      if (previous != nullptr) {
        // A provider that could not be created is tried again.
        const auto it = previous->by_fingerprint_.find(key);
        if (it != previous->by_fingerprint_.end() && it->second->enabled) p = it->second;
      }
      if (!p) {
        p = std::make_shared<Provider>(spec, context.clock);
        std::string why;
        if (auto instance = instance_for(spec, why)) {
          attach_backend(*p, instance, spec, context);
          if (spec.probe.enabled) {
            p->prober = std::make_shared<Prober>(p, context.clock, context.executor);
            p->prober->start();
          }
        } else {
          p->enabled = false;
          p->stats.record_failure(why);
        }
      }
      chains->by_fingerprint_[key] = p;
      out.push_back(std::move(p));
    }
    return out;
  };
  chains->stt_ = std::make_shared<SttChain>(providers_of(config.stt), context, config.stt_chain);
  chains->llm_ = std::make_shared<LlmChain>(providers_of(config.llm), context, config.llm_chain);
  chains->tts_ = std::make_shared<TtsChain>(providers_of(config.tts), context, config.tts_chain);
  return chains;
}

Chain *Chains::chain(const std::string &kind) const {
  if (kind == "stt") return stt_.get();
  if (kind == "llm") return llm_.get();
  if (kind == "tts") return tts_.get();
  return nullptr;
}

bool Chains::reset(const std::string &kind, const std::string &name) {
  bool found = false;
  for (const char *k : {"stt", "llm", "tts"}) {
    if (kind.empty() || kind == k) found = chain(k)->reset(name) || found;
  }
  return found;
}

bool Chains::force_open(const std::string &kind, const std::string &name) {
  Chain *c = chain(kind);
  return c != nullptr && !name.empty() && c->force_open(name);
}

nlohmann::json Chains::view() const {
  nlohmann::json providers = nlohmann::json::object();
  nlohmann::json summary = nlohmann::json::object();
  for (const char *k : {"stt", "llm", "tts"}) {
    const Chain *c = chain(k);
    providers[k] = c->view();
    const std::string current = c->current();
    summary[k] = {{"current", current.empty() ? nlohmann::json(nullptr) : nlohmann::json(current)},
                  {"available_count", c->available_count()},
                  {"fallback_count", c->fallback_count()}};
  }
  return {{"providers", providers}, {"summary", summary}};
}

}  // namespace switchboard::resilience
