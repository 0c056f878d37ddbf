// Each deliberately broken fixture is caught by the check named for its
// defect, and the same fixtures with no defect pass every check: the kit's
// checks fail when, and because, a plugin breaks their rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <vector>

#include "plugin_test/kit_run.hpp"
#include "support/scratch.hpp"

namespace switchboard::test {
namespace {

struct Defect {
  std::string fixture;  // fixture-broken-<this>
  std::string defect;   // its config's `defect`
  std::string check;    // the check that must fail
};

void PrintTo(const Defect &d, std::ostream *os) {
  *os << d.fixture << " " << d.defect << " -> " << d.check;
}

std::string fixture_path(const std::string &name) {
  return std::string(SWITCHBOARD_BROKEN_PLUGIN_DIR) + "/fixture-broken-" + name + ".so";
}

// A config holding one instance of the fixture, named after its defect.
std::string config_for(const std::string &kind, const std::string &defect) {
  const std::string entry =
      "name: " + defect + ", plugin: fixture-broken-" + kind + ", config: {defect: " + defect + "}";
  std::string yaml = "plugin_dirs: [\"" + std::string(SWITCHBOARD_BROKEN_PLUGIN_DIR) + "\"]\n";
  if (kind == "cache") {
    yaml += "cache: {" + entry + "}\n";
  } else if (kind == "transport") {
    yaml += "transports:\n  - {" + entry + ", listen: \"127.0.0.1:0\"}\n";
  } else {
    yaml += kind + ":\n  - {" + entry + "}\n";
  }
  const auto path = scratch_file("plugin-test", kind + "-" + defect, ".yaml");
  std::ofstream(path) << yaml;
  return path.string();
}

// Every defect of the broken fixtures, and the check that must catch it.
const std::vector<Defect> &defects() {
  static const std::vector<Defect> all = {Defect{"llm", "leaks_thread", "create_destroy_cycles"},
                                          Defect{"llm", "logs_after_destroy", "host_services_use"},
                                          Defect{"llm", "bad_metric_name", "host_services_use"},
                                          Defect{"llm", "needs_extension", "no_extensions"},
                                          Defect{"llm", "throws", "no_exception_escapes"},
                                          Defect{"llm", "double_done", "one_on_done"},
                                          Defect{"llm", "token_after_cancel", "nothing_after_done"},
                                          Defect{"llm", "done_after_refusal", "start_status"},
                                          Defect{"llm", "cancelled_is_retryable", "cancel_before_start"},
                                          Defect{"llm", "ignores_cancel", "cancel_mid_stream"},
                                          Defect{"llm", "cancel_after_end", "cancel_after_end"},
                                          Defect{"llm", "parallel_tokens", "one_callback_at_a_time"},
                                          Defect{"llm", "shared_call_state", "concurrent_calls"},
                                          Defect{"llm", "impatient", "slow_consumer"},
                                          Defect{"llm", "accepts_garbage", "invalid_input"},
                                          Defect{"llm", "unterminated_error", "error_messages"},
                                          Defect{"llm", "usage_twice", "usage_once"},
                                          Defect{"tts", "voices_not_array", "list_voices"},
                                          Defect{"tts", "late_words", "word_timings"},
                                          Defect{"stt", "confidence_percent", "final_transcripts"},
                                          Defect{"cache", "miss_writes", "cache_semantics"},
                                          Defect{"cache", "never_expires", "cache_ttl"},
                                          Defect{"cache", "truncates", "cache_oversize"},
                                          Defect{"cache", "stats_without_evictions", "cache_stats"},
                                          Defect{"cache", "unlocked", "cache_threads"},
                                          Defect{"transport", "leaks_listener", "start_stop_cycles"},
                                          Defect{"transport", "keeps_clients", "stop_with_clients"}};
  return all;
}

class BrokenFixture : public ::testing::TestWithParam<Defect> {};

TEST_P(BrokenFixture, IsCaughtByTheCheckNamedForItsDefect) {
  const Defect &d = GetParam();
  const KitRun run = run_kit(fixture_path(d.fixture), config_for(d.fixture, d.defect), d.defect, {d.check});
  EXPECT_EQ(run.code, 1) << run.out << run.err;
  EXPECT_EQ(run.outcome(d.check), "fail") << run.out << run.err;
  EXPECT_FALSE(run.detail(d.check).empty());
}

INSTANTIATE_TEST_SUITE_P(Defects, BrokenFixture, ::testing::ValuesIn(defects()),
                         [](const auto &p) { return p.param.fixture + "_" + p.param.defect; });

// The loading rules, broken in the descriptor or the entry.
TEST(BrokenLoading, AnEntryThatStartsAThreadIsCaught) {
  const KitRun run = run_kit(fixture_path("entry"), {}, {}, {"entry_starts_no_threads"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.outcome("entry_starts_no_threads"), "fail") << run.out << run.err;
}

TEST(BrokenLoading, AValidatorThatAcceptsGarbageIsCaught) {
  const KitRun run = run_kit(fixture_path("validate"), {}, {}, {"validate_config"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.outcome("validate_config"), "fail") << run.out << run.err;
}

TEST(BrokenLoading, ADescriptorOfAnotherMajorIsCaught) {
  const KitRun run = run_kit(std::string(SWITCHBOARD_FIXTURE_PLUGIN_DIR) + "/fixture-bad-abi.so");
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.outcome("descriptor"), "fail") << run.out << run.err;
  EXPECT_NE(run.detail("descriptor").find("majors must match"), std::string::npos) << run.detail("descriptor");
}

// Every check the kit lists has a broken fixture that it catches: a check
// added without one fails here.
TEST(BrokenFixtures, EveryCheckTheKitListsHasOneThatBreaksIt) {
  const RunResult r = run(SWITCHBOARD_BINARY, {"plugin-test", "--list", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto listed = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(listed.is_object()) << r.out;
  // The loading fixtures' checks (BrokenLoading, above).
  std::set<std::string> caught = {"descriptor", "entry_starts_no_threads", "validate_config"};
  for (const Defect &d : defects()) caught.insert(d.check);
  std::set<std::string> names;
  for (const auto &c : listed.value("checks", nlohmann::json::array())) {
    const std::string name = c.value("name", "");
    names.insert(name);
    EXPECT_TRUE(caught.count(name)) << name << " has no broken fixture that it catches";
    EXPECT_FALSE(c.value("kinds", nlohmann::json::array()).empty()) << name;
  }
  ASSERT_FALSE(names.empty());
  for (const std::string &name : caught) EXPECT_TRUE(names.count(name)) << name << " is not a check the kit lists";
}

// Without a defect every fixture passes every check of its kind: no check
// fails by construction.
class SoundFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(SoundFixture, PassesEveryCheck) {
  const KitRun run = run_kit(fixture_path(GetParam()), config_for(GetParam(), "none"), "none");
  EXPECT_EQ(run.code, 0) << run.not_passed() << run.err;
  EXPECT_EQ(run.report.value("failed", -1), 0);
  EXPECT_EQ(run.report.value("skipped", -1), 0) << run.not_passed();
}

INSTANTIATE_TEST_SUITE_P(Kinds, SoundFixture, ::testing::Values("llm", "tts", "stt", "cache", "transport"),
                         [](const auto &p) { return p.param; });

}  // namespace
}  // namespace switchboard::test
