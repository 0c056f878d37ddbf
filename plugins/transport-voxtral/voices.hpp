// The voices a client may choose: every name the tts chain's providers
// answer to (each plugin's own voices and each provider's voice_map names),
// read from the host's provider view, in chain order. Unknown names fall
// back to the default.
#pragma once

#include <string>
#include <vector>

#include "switchboard/ext/providers.h"

namespace voxtral {

class Voices {
 public:
  // `preferred`: the config's default_voice ("" : the chain's first voice).
  Voices(const sb_providers_ext *providers, std::string preferred)
      : providers_(providers), preferred_(std::move(preferred)) {}

  // Now (a reload may change the chain).
  std::vector<std::string> list() const;
  std::string default_voice() const { return default_of(list()); }
  // `asked` when a provider has it, else the default; `known` says which.
  std::string resolve(const std::string &asked, bool &known) const;

 private:
  std::string default_of(const std::vector<std::string> &all) const;
  const sb_providers_ext *providers_;
  std::string preferred_;
};

}  // namespace voxtral
