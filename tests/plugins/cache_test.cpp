// The contract every cache plugin keeps, run against each: cache-memory and
// cache-redis (on a redis-server of the test's own).
#include <memory>

#include "plugins/cache_plugin.hpp"
#include "support/redis_server.hpp"

namespace switchboard::plugin {
namespace {

test::RedisServer &redis_server() {
  static test::RedisServer server;
  return server;
}

class EveryCache : public testing::TestWithParam<std::string> {
 protected:
  // `limit`: the largest value the cache is configured to keep.
  std::unique_ptr<CachePlugin> open(int limit = 1 << 20) {
    if (GetParam() == "cache-memory") {
      return std::make_unique<CachePlugin>(GetParam(), nlohmann::json{{"max_bytes", limit + 16}});
    }
    static int runs = 0;  // a prefix new on each run: gtest_repeat reuses the server
    const std::string prefix = std::string("cache-test:") +
                               testing::UnitTest::GetInstance()->current_test_info()->name() + ":" +
                               std::to_string(++runs) + ":";
    return std::make_unique<CachePlugin>(
        GetParam(), nlohmann::json{{"url", redis_server().url()}, {"key_prefix", prefix}, {"max_value_bytes", limit}});
  }
};

TEST_P(EveryCache, GetsWhatWasPutAndMissesWhatWasNot) {
  auto c = open();
  EXPECT_FALSE(c->get("k").has_value());
  ASSERT_TRUE(c->cache->put("k", std::string("bytes\0with a nul", 16)).ok());
  EXPECT_EQ(c->get("k"), std::string("bytes\0with a nul", 16));
  const auto s = c->stats();
  EXPECT_EQ(s["hits"], 1);
  EXPECT_EQ(s["misses"], 1);
  EXPECT_EQ(s["entries"], 1);
  EXPECT_EQ(s["bytes"], 1 + 16) << "the key and the value";
  EXPECT_TRUE(s.contains("evictions"));
}

TEST_P(EveryCache, ReplacesErasesAndClears) {
  auto c = open();
  ASSERT_TRUE(c->cache->put("k", "one").ok());
  ASSERT_TRUE(c->cache->put("k", "three").ok());
  EXPECT_EQ(c->get("k"), "three");
  EXPECT_EQ(c->stats()["bytes"], 6);
  ASSERT_TRUE(c->cache->erase("k").ok());
  EXPECT_FALSE(c->get("k").has_value());
  ASSERT_TRUE(c->cache->put("x", "1").ok());
  ASSERT_TRUE(c->cache->put("y", "2").ok());
  ASSERT_TRUE(c->cache->clear().ok());
  EXPECT_EQ(c->stats()["entries"], 0);
  EXPECT_FALSE(c->get("x").has_value());
}

TEST_P(EveryCache, AValueLargerThanItsLimitIsNotKept) {
  auto c = open(100);
  ASSERT_TRUE(c->cache->put("small", std::string(50, 'x')).ok());
  ASSERT_TRUE(c->cache->put("huge", std::string(1000, 'x')).ok()) << "not an error: just not kept";
  EXPECT_FALSE(c->get("huge").has_value());
  EXPECT_TRUE(c->get("small").has_value()) << "and nothing else was lost for it";
}

INSTANTIATE_TEST_SUITE_P(Caches, EveryCache, testing::Values("cache-memory", "cache-redis"),
                         [](const testing::TestParamInfo<std::string> &each) {
                           return each.param == "cache-memory" ? "memory" : "redis";
                         });

}  // namespace
}  // namespace switchboard::plugin
