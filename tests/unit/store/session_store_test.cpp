#include "store/session_store.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "support/redis_server.hpp"
#include "support/scratch.hpp"

namespace switchboard::store {
namespace {

std::filesystem::path scratch(const std::string &name) {
  return test::scratch_file("store-test", name, ".db");
}

// One redis-server for the test process, each test under a prefix of its own.
test::RedisServer &redis_server() {
  static test::RedisServer server;
  return server;
}

class EveryStore : public testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<SessionStore> open() {
    if (GetParam() == "memory") return memory_store();
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    if (GetParam() == "redis" || GetParam() == "redis_with_fallback") {
      RedisSettings settings;
      settings.options = redis::parse_url(redis_server().url());
      // A prefix of this test's own, new on each run (gtest_repeat reuses the server).
      static int runs = 0;
      if (prefix_.empty()) prefix_ = "test:" + name + ":" + std::to_string(++runs) + ":";
      settings.key_prefix = prefix_;
      auto store = redis_store(settings);
      return GetParam() == "redis" ? std::move(store) : with_memory_fallback(std::move(store));
    }
    if (path_.empty()) path_ = scratch(name);
    return sqlite_store(path_.string());
  }
  void TearDown() override {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  std::filesystem::path path_;
  std::string prefix_;
};

HistoryEntry said(const std::string &role, const std::string &text, double at) {
  return {role + "-" + text, role, text, at};
}

TEST_P(EveryStore, CreatesOnFirstUseAndKeepsHistoryAndNumbers) {
  auto s = open();
  EXPECT_FALSE(s->get("a").has_value());
  const auto created = s->get_or_create("a", 100);
  EXPECT_EQ(created.created_at, 100);
  s->append("a", said("user", "hello there", 101), 2, 1.5);
  s->append("a", said("assistant", "hi", 102), 1);
  s->append("a", said("user", "how are you", 103), 3, 2.0);
  const auto r = s->get("a");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->history.size(), 3u);
  EXPECT_EQ(r->history[1].text, "hi");
  EXPECT_EQ(r->history[1].role, "assistant");
  EXPECT_EQ(r->history[2].id, "user-how are you");
  EXPECT_EQ(r->stats.messages, 3);
  EXPECT_EQ(r->stats.user_messages, 2);
  EXPECT_EQ(r->stats.assistant_messages, 1);
  EXPECT_EQ(r->stats.pairs, 1);
  EXPECT_EQ(r->stats.tokens, 6);
  EXPECT_DOUBLE_EQ(r->stats.audio_seconds, 3.5);
  EXPECT_EQ(r->created_at, 100);
  EXPECT_EQ(r->last_activity, 103);
}

TEST_P(EveryStore, ListsClearsRemovesAndExpires) {
  auto s = open();
  s->append("old", said("user", "x", 10));
  s->append("new", said("user", "y", 1000));
  s->append("mid", said("user", "z", 500));
  EXPECT_EQ(s->list().size(), 3u);
  EXPECT_TRUE(s->clear_history("mid"));
  EXPECT_TRUE(s->get("mid")->history.empty());
  EXPECT_EQ(s->get("mid")->stats.messages, 1) << "clearing history keeps the numbers";
  EXPECT_FALSE(s->clear_history("nobody"));
  EXPECT_EQ(s->expire(1100, 300), 2u) << "idle for more than 300 s: old and mid";
  ASSERT_EQ(s->list().size(), 1u);
  EXPECT_EQ(s->list()[0].id, "new");
  EXPECT_TRUE(s->remove("new"));
  EXPECT_FALSE(s->remove("new"));
  s->append("a", said("user", "1", 1));
  s->append("b", said("user", "2", 1));
  EXPECT_EQ(s->remove_all(), 2u);
  EXPECT_TRUE(s->list().empty());
}

TEST_P(EveryStore, ManyThreadsAppendWithoutLoss) {
  auto s = open();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string session = t % 2 == 0 ? "s0" : "s1";
      for (int i = 0; i < 50; ++i) s->append(session, said("user", std::to_string(t) + "." + std::to_string(i), i));
    });
  }
  for (auto &t : threads) t.join();
  EXPECT_EQ(s->get("s0")->history.size(), 100u);
  EXPECT_EQ(s->get("s1")->stats.messages, 100);
}

INSTANTIATE_TEST_SUITE_P(Stores, EveryStore, testing::Values("memory", "sqlite", "redis", "redis_with_fallback"));

TEST(SqliteStore, SessionsSurviveARestart) {
  const auto path = scratch("restart");
  {
    auto s = sqlite_store(path.string());
    s->append("kept", said("user", "remember me", 5), 2);
    s->append("kept", said("assistant", "I will", 6), 2);
  }
  auto again = sqlite_store(path.string());
  const auto r = again->get("kept");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->history.size(), 2u);
  EXPECT_EQ(r->history[0].text, "remember me");
  EXPECT_EQ(r->stats.pairs, 1);
  again.reset();
  std::filesystem::remove(path);
}

TEST(SqliteStore, AnUnusablePathIsAClearError) {
  try {
    sqlite_store("/nonexistent/dir/sessions.db");
    FAIL() << "opened a database in a missing folder";
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("cannot open the session database '/nonexistent/dir/sessions.db'"),
              std::string::npos)
        << e.what();
  }
}

TEST(RecentHistory, KeepsTheLastTurnsWithinTheTokenBudget) {
  std::vector<HistoryEntry> h = {said("user", "one two", 1), said("assistant", "three four", 2),
                                 said("user", "five", 3), said("assistant", "six seven eight", 4),
                                 said("user", "nine", 5)};
  EXPECT_EQ(recent_history(h, 0, 0).size(), 5u);
  const auto last_two = recent_history(h, 2, 0);
  ASSERT_EQ(last_two.size(), 3u);
  EXPECT_EQ(last_two[0].text, "five");
  const auto budget = recent_history(h, 0, 4);
  ASSERT_EQ(budget.size(), 2u) << "nine (1) + six seven eight (3) fit in 4";
  EXPECT_EQ(budget[0].text, "six seven eight");
}

}  // namespace
}  // namespace switchboard::store
