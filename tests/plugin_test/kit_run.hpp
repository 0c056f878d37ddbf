// Runs `switchboard plugin-test ... --json` as a plugin author would and
// reads its report.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace switchboard::test {

struct KitRun {
  int code = -1;
  nlohmann::json report;
  std::string out, err;

  // "pass", "fail", "skip", or "" when the check did not run.
  std::string outcome(const std::string &check) const {
    for (const auto &c : report.value("checks", nlohmann::json::array())) {
      if (c.value("name", "") == check) return c.value("outcome", "");
    }
    return "";
  }
  std::string detail(const std::string &check) const {
    for (const auto &c : report.value("checks", nlohmann::json::array())) {
      if (c.value("name", "") == check) return c.value("detail", "");
    }
    return "";
  }
  // Every check that did not pass, with its detail, for a failure message.
  std::string not_passed() const {
    std::string out;
    for (const auto &c : report.value("checks", nlohmann::json::array())) {
      if (c.value("outcome", "") != "pass") {
        out += c.value("outcome", "") + " " + c.value("name", "") + ": " + c.value("detail", "") + "\n";
      }
    }
    return out;
  }
};

inline KitRun run_kit(const std::string &plugin, const std::string &config = {}, const std::string &name = {},
                      const std::vector<std::string> &checks = {}) {
  std::vector<std::string> args = {"plugin-test", plugin, "--json"};
  if (!config.empty()) args.insert(args.end(), {"--config", config, "--name", name});
  for (const auto &c : checks) args.insert(args.end(), {"--check", c});
  const RunResult r = run(SWITCHBOARD_BINARY, args, {}, std::chrono::seconds(240));
  KitRun out{r.code, nlohmann::json::parse(r.out, nullptr, false), r.out, r.err};
  if (!out.report.is_object()) out.report = nlohmann::json::object();
  return out;
}

}  // namespace switchboard::test
