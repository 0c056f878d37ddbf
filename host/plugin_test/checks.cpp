#include <set>
#include <string>

#include "plugin_test/check.hpp"

namespace switchboard::plugin_test {

std::vector<Check> checks_for(sb_plugin_kind kind) {
  std::vector<Check> out = loading_checks();
  const auto add = [&out](std::vector<Check> more) { out.insert(out.end(), more.begin(), more.end()); };
  add(instance_checks());
  switch (kind) {
    case SB_KIND_STT:
      add(streaming_checks(kind));
      add(stt_checks());
      break;
    case SB_KIND_LLM:
      add(streaming_checks(kind));
      add(llm_checks());
      break;
    case SB_KIND_TTS:
      add(streaming_checks(kind));
      add(tts_checks());
      break;
    case SB_KIND_CACHE:
      add(cache_checks());
      break;
    case SB_KIND_TRANSPORT:
      add(transport_checks());
      break;
  }
  return out;
}

std::vector<Check> all_checks() {
  std::vector<Check> out;
  std::set<std::string> seen;
  for (const sb_plugin_kind kind : {SB_KIND_STT, SB_KIND_LLM, SB_KIND_TTS, SB_KIND_CACHE, SB_KIND_TRANSPORT}) {
    for (const Check &c : checks_for(kind)) {
      if (seen.insert(c.name).second) out.push_back(c);
    }
  }
  return out;
}

}  // namespace switchboard::plugin_test
