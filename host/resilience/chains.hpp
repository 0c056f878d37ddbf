// The three chains of a config, built from its provider lists and the
// instances the host created, with the operator's controls and the view of
// GET /providers. A reload builds a new set, reusing every provider whose
// entry did not change (its instance, breaker and numbers carry over).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "plugin/instance.hpp"
#include "resilience/llm_chain.hpp"
#include "resilience/stt_chain.hpp"
#include "resilience/tts_chain.hpp"

namespace switchboard::resilience {

// The instance for a provider entry, or null with the reason it is missing.
using InstanceFor = std::function<std::shared_ptr<plugin::Instance>(const config::ProviderSpec &, std::string &why)>;

class Chains {
 public:
  // `previous` (may be null) lends providers whose entries are unchanged.
  static std::shared_ptr<Chains> build(const config::Config &config, const InstanceFor &instance_for,
                                       ChainContext context, const Chains *previous = nullptr);

  const std::shared_ptr<SttChain> &stt() const noexcept { return stt_; }
  const std::shared_ptr<LlmChain> &llm() const noexcept { return llm_; }
  const std::shared_ptr<TtsChain> &tts() const noexcept { return tts_; }
  // "stt", "llm" or "tts"; null for anything else.
  Chain *chain(const std::string &kind) const;

  // Operator actions: kind empty = every chain, name empty = every provider.
  // False when nothing matched.
  bool reset(const std::string &kind, const std::string &name);
  bool force_open(const std::string &kind, const std::string &name);

  nlohmann::json view() const;

 private:
  std::shared_ptr<SttChain> stt_;
  std::shared_ptr<LlmChain> llm_;
  std::shared_ptr<TtsChain> tts_;
  std::map<std::string, std::shared_ptr<Provider>> by_fingerprint_;
};

// What makes two provider entries the same provider.
std::string fingerprint(const config::ProviderSpec &spec);

}  // namespace switchboard::resilience
