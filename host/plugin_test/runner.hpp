// Runs the checks of one plugin, each in a process of its own (a few at
// once): a plugin that crashes, hangs or aborts fails the check it was in,
// and the kit goes on with the others.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "plugin_test/check.hpp"

namespace switchboard::plugin_test {

struct Result {
  Check check;
  Verdict verdict;
  double seconds = 0;
};

struct Report {
  std::string id, kind, version, abi;  // from the descriptor, when it loads
  std::string instance;
  std::vector<Result> results;
  int count(Outcome o) const;
  bool passed() const { return count(Outcome::fail) == 0 && !results.empty(); }
};

struct RunOptions {
  // A check that has not moved for this long has hung. A check that moves
  // (note_progress) may take longer: a slow plugin on a busy machine is
  // slow, not hung.
  std::chrono::milliseconds check_limit{std::chrono::seconds(90)};
  std::vector<std::string> only;  // check names; empty: all
  unsigned jobs = 2;              // checks running at once, each in its own process
};

// [in a check] The check has moved on (one more cycle, call or step): the
// hang limit counts again from now. Does nothing outside a check's process.
void note_progress();

// `subject.kind` is read from the plugin itself.
Report run_checks(Subject subject, const RunOptions &options);

std::string as_text(const Report &report);
std::string as_json(const Report &report);

}  // namespace switchboard::plugin_test
