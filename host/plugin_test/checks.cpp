#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "plugin/loaded_plugin.hpp"
#include "plugin_test/check.hpp"

namespace switchboard::plugin_test {
namespace {

constexpr sb_plugin_kind kKinds[] = {SB_KIND_STT, SB_KIND_LLM, SB_KIND_TTS, SB_KIND_CACHE, SB_KIND_TRANSPORT};

// Where `check` applies: each header line it enforces (a streaming check
// cites each kind's own header) and the kinds it runs on under that line.
struct Clause {
  const Check *check;
  std::vector<std::string> kinds;
};

std::vector<Clause> clauses_of(const char *name, const std::vector<std::vector<Check>> &per_kind) {
  std::vector<Clause> out;
  for (std::size_t k = 0; k < per_kind.size(); ++k) {
    for (const Check &c : per_kind[k]) {
      if (std::string(c.name) != name) continue;
      auto same = std::find_if(out.begin(), out.end(), [&c](const Clause &have) {
        return std::string(have.check->header) == c.header && have.check->line == c.line;
      });
      if (same == out.end()) same = out.insert(out.end(), Clause{&c, {}});
      same->kinds.emplace_back(plugin::kind_name(kKinds[k]));
    }
  }
  return out;
}

std::vector<std::vector<Check>> checks_per_kind() {
  std::vector<std::vector<Check>> out;
  for (const sb_plugin_kind kind : kKinds) out.push_back(checks_for(kind));
  return out;
}

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

}  // namespace

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
  for (const sb_plugin_kind kind : kKinds) {
    for (const Check &c : checks_for(kind)) {
      if (seen.insert(c.name).second) out.push_back(c);
    }
  }
  return out;
}

std::string list_as_text() {
  const auto per_kind = checks_per_kind();
  std::string out;
  for (const Check &c : all_checks()) {
    char line[200];
    std::snprintf(line, sizeof line, "%-24s", c.name);
    out += line;
    for (const Clause &clause : clauses_of(c.name, per_kind)) {
      std::snprintf(line, sizeof line, " %s:%d (%s)", clause.check->header, clause.check->line,
                    joined(clause.kinds).c_str());
      out += line;
    }
    out += '\n';
  }
  return out;
}

std::string list_as_json() {
  const auto per_kind = checks_per_kind();
  nlohmann::json checks = nlohmann::json::array();
  for (const Check &c : all_checks()) {
    nlohmann::json enforces = nlohmann::json::array();
    std::vector<std::string> kinds;
    for (const Clause &clause : clauses_of(c.name, per_kind)) {
      enforces.push_back({{"clause", std::string(clause.check->header) + ":" + std::to_string(clause.check->line)},
                          {"quote", clause.check->quote},
                          {"kinds", clause.kinds}});
      kinds.insert(kinds.end(), clause.kinds.begin(), clause.kinds.end());
    }
    checks.push_back({{"name", c.name}, {"kinds", kinds}, {"enforces", enforces}});
  }
  return nlohmann::json{{"checks", checks}}.dump(2) + "\n";
}

}  // namespace switchboard::plugin_test
