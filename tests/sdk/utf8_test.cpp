// What crosses the plugin boundary is UTF-8 even when a message quotes a
// client's bytes: invalid bytes become U+FFFD, valid text is untouched.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "switchboard/sdk/config.hpp"
#include "switchboard/sdk/status.hpp"
#include "switchboard/sdk/utf8.hpp"

namespace switchboard::sdk {
namespace {

TEST(Utf8OrReplaced, ReplacesEachStrayByteAndKeepsTheRest) {
  EXPECT_EQ(utf8_or_replaced("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(utf8_or_replaced("a\xff"
                             "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(utf8_or_replaced("\xe4\xbd"), "\xef\xbf\xbd\xef\xbf\xbd");  // cut short: two stray bytes
  EXPECT_TRUE(valid_utf8(utf8_or_replaced("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80")));
}

TEST(Utf8OrReplaced, AnErrorMessageQuotingBadBytesCrossesAsUtf8) {
  const Outcome outcome{Status::invalid_input, "bad key '\xff\xfe'", 0};
  const sb_error err = outcome.to_error();
  EXPECT_TRUE(valid_utf8(err.message)) << err.message;
  EXPECT_EQ(std::string(err.message), "bad key '\xef\xbf\xbd\xef\xbf\xbd'");
}

TEST(Utf8OrReplaced, AConfigReportQuotingBadBytesIsUtf8) {
  std::vector<std::string> seen;
  sb_config_report report{[](void *user, const char *, const char *message) {
                            static_cast<std::vector<std::string> *>(user)->push_back(message);
                          },
                          &seen};
  ConfigErrors errors(report);
  errors.add("/key", "unknown key '\x80'");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(valid_utf8(seen[0]));
}

}  // namespace
}  // namespace switchboard::sdk
