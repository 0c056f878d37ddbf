// One contract check of `switchboard plugin-test`: what it enforces (a line
// of the SDK's headers, quoted), and the code that tries a plugin against it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "switchboard/abi.h"

namespace switchboard::plugin_test {

enum class Outcome { pass, fail, skip };

struct Verdict {
  Outcome outcome = Outcome::pass;
  std::string detail;  // why it failed or was skipped; what it saw when it passed
};

inline Verdict pass(std::string detail = {}) {
  return {Outcome::pass, std::move(detail)};
}
inline Verdict fail(std::string detail) {
  return {Outcome::fail, std::move(detail)};
}
inline Verdict skip(std::string detail) {
  return {Outcome::skip, std::move(detail)};
}

// The plugin under test and how to make an instance of it.
struct Subject {
  std::filesystem::path path;
  std::string instance_name;
  std::string config_json = "{}";  // the instance's config block
  std::string config_dir = ".";
  sb_plugin_kind kind = SB_KIND_LLM;  // from its descriptor
};

struct Check {
  const char *name;
  // The header and line it enforces, and words of that line (a test holds
  // the citation to the header as it is).
  const char *header;
  int line;
  const char *quote;
  Verdict (*run)(const Subject &subject);
};

// The checks for a kind, in the order they run; the loading checks first.
std::vector<Check> checks_for(sb_plugin_kind kind);
// Every check of every kind, once each (for the citation test and --list).
std::vector<Check> all_checks();

// `plugin-test --list`: each check's name, the header line it enforces and
// the kinds of plugin it runs on, as text or as JSON.
std::string list_as_text();
std::string list_as_json();

// Per kind (common_checks.cpp, streaming_checks.cpp, ...).
std::vector<Check> loading_checks();
std::vector<Check> instance_checks();
std::vector<Check> streaming_checks(sb_plugin_kind kind);
std::vector<Check> llm_checks();
std::vector<Check> tts_checks();
std::vector<Check> stt_checks();
std::vector<Check> cache_checks();
std::vector<Check> transport_checks();

}  // namespace switchboard::plugin_test
