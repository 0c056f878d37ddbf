// The kit's runner tells a hung check from a slow one: a check is killed
// only when it has not moved for the limit, however long it takes in all.
#include "plugin_test/runner.hpp"

#include <gtest/gtest.h>

namespace switchboard::plugin_test {
namespace {

Subject broken_llm(const std::string &defect) {
  Subject s;
  s.path = std::string(SWITCHBOARD_BROKEN_PLUGIN_DIR) + "/fixture-broken-llm.so";
  s.instance_name = defect;
  s.config_json = R"({"defect": ")" + defect + R"("})";
  return s;
}

// The create/destroy cycles of the fixture with `defect`, with a hang limit of one second.
Result cycles_of(const std::string &defect) {
  RunOptions options;
  options.only = {"create_destroy_cycles"};
  options.check_limit = std::chrono::milliseconds(1000);
  const Report report = run_checks(broken_llm(defect), options);
  if (report.results.size() == 1) return report.results.front();
  Result none{};
  none.verdict = fail("the run gave " + std::to_string(report.results.size()) + " results");
  return none;
}

TEST(Runner, ACheckThatMovesIsNotStoppedByTheLimit) {
  // About 30 ms a cycle over a hundred cycles: three times the limit in all.
  const Result r = cycles_of("slow_create");
  EXPECT_EQ(r.verdict.outcome, Outcome::pass) << r.verdict.detail;
  EXPECT_GT(r.seconds, 1.0) << "longer than the limit, and still not taken for hung";
}

TEST(Runner, ACheckThatStopsMovingFailsAsHungAfterTheLimit) {
  const Result r = cycles_of("destroy_hangs");
  EXPECT_EQ(r.verdict.outcome, Outcome::fail);
  EXPECT_NE(r.verdict.detail.find("no progress for 1 s"), std::string::npos) << r.verdict.detail;
  EXPECT_LT(r.seconds, 10.0);
}

}  // namespace
}  // namespace switchboard::plugin_test
