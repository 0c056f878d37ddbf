// Every check of `switchboard plugin-test` cites the header line it
// enforces: the line is there and says what the check quotes, so a header
// edited without the kit (or the reverse) fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "plugin_test/check.hpp"

namespace switchboard::plugin_test {
namespace {

std::vector<std::string> lines_of(const std::string &header) {
  std::ifstream in(std::string(SWITCHBOARD_SDK_INCLUDE_DIR) + "/switchboard/" + header);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Citations, EachCheckQuotesTheHeaderLineItCites) {
  for (const sb_plugin_kind kind : {SB_KIND_STT, SB_KIND_LLM, SB_KIND_TTS, SB_KIND_CACHE, SB_KIND_TRANSPORT}) {
    std::set<std::string> names;
    for (const Check &c : checks_for(kind)) {
      SCOPED_TRACE(c.name);
      EXPECT_TRUE(names.insert(c.name).second) << "two checks named " << c.name;
      const auto lines = lines_of(c.header);
      ASSERT_GE(c.line, 1);
      ASSERT_LE(static_cast<std::size_t>(c.line), lines.size()) << c.header;
      EXPECT_NE(lines[static_cast<std::size_t>(c.line - 1)].find(c.quote), std::string::npos)
          << c.header << ":" << c.line << " reads \"" << lines[static_cast<std::size_t>(c.line - 1)] << "\"";
    }
  }
}

TEST(Citations, EveryKindRunsTheLoadingChecksFirst) {
  for (const sb_plugin_kind kind : {SB_KIND_STT, SB_KIND_LLM, SB_KIND_TTS, SB_KIND_CACHE, SB_KIND_TRANSPORT}) {
    const auto checks = checks_for(kind);
    ASSERT_GE(checks.size(), 3u);
    EXPECT_STREQ(checks[0].name, "descriptor");
    EXPECT_STREQ(checks[1].name, "entry_starts_no_threads");
  }
}

}  // namespace
}  // namespace switchboard::plugin_test
