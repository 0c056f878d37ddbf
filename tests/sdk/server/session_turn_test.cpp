// The order of turns: one session's turns one after another, in the order
// they came; other sessions' beside them.
#include "switchboard/server/session_turn.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "support/done_signal.hpp"

namespace switchboard::server {
namespace {

TEST(TurnLine, OneSessionsTurnsWaitForTheOneBeforeOthersDoNot) {
  TurnLine line;
  std::mutex mutex;
  std::vector<std::string> started;
  std::function<void()> first_over;
  test::DoneSignal other_started, second_started;
  auto log = [&](const std::string &what) {
    std::lock_guard lock(mutex);
    started.push_back(what);
  };
  line.run("a", [&](std::function<void()> over) {
    log("a1");
    std::lock_guard lock(mutex);
    first_over = std::move(over);  // held: a1's turn is not over yet
  });
  line.run("a", [&](std::function<void()> over) {
    log("a2");
    over();
    second_started.set();
  });
  line.run("b", [&](std::function<void()> over) {
    log("b1");
    over();
    other_started.set();
  });
  ASSERT_TRUE(other_started.wait()) << "another session's turn waited for a1";
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(std::count(started.begin(), started.end(), "a2"), 0) << "a2 started before a1 was over";
  }
  std::function<void()> over;
  {
    std::lock_guard lock(mutex);
    over = first_over;
  }
  ASSERT_TRUE(over);
  over();
  over();  // twice is once
  ASSERT_TRUE(second_started.wait());
  std::lock_guard lock(mutex);
  EXPECT_EQ(started, (std::vector<std::string>{"a1", "b1", "a2"}));
}

TEST(SessionIds, AreSlugsOfAtMost128) {
  EXPECT_TRUE(valid_session_id("user123"));
  EXPECT_TRUE(valid_session_id("a-b.c_d~e"));
  EXPECT_FALSE(valid_session_id(""));
  EXPECT_FALSE(valid_session_id("../etc"));
  EXPECT_FALSE(valid_session_id(std::string(129, 'a')));
}

}  // namespace
}  // namespace switchboard::server
