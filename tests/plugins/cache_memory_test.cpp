// What cache-memory does beyond every cache's contract (cache_test.cpp):
// a byte budget kept by evicting the least recently used, and expiry on the
// host's clock.
#include "plugins/cache_plugin.hpp"

namespace switchboard::plugin {
namespace {

struct Memory : CachePlugin {
  explicit Memory(nlohmann::json config) : CachePlugin("cache-memory", std::move(config)) {}
};

TEST(CacheMemory, EvictsTheLeastRecentlyUsedToStayInItsBudget) {
  Memory m(nlohmann::json{{"max_bytes", 30}});
  ASSERT_TRUE(m.cache->put("a", std::string(9, 'x')).ok());  // 10 bytes each
  ASSERT_TRUE(m.cache->put("b", std::string(9, 'x')).ok());
  ASSERT_TRUE(m.cache->put("c", std::string(9, 'x')).ok());
  EXPECT_TRUE(m.get("a").has_value());  // a is now the most recent
  ASSERT_TRUE(m.cache->put("d", std::string(9, 'x')).ok());
  EXPECT_FALSE(m.get("b").has_value()) << "b was the least recently used";
  EXPECT_TRUE(m.get("a").has_value());
  EXPECT_TRUE(m.get("c").has_value());
  EXPECT_TRUE(m.get("d").has_value());
  const auto s = m.stats();
  EXPECT_EQ(s["entries"], 3);
  EXPECT_EQ(s["bytes"], 30);
  EXPECT_EQ(s["evictions"], 1);
  EXPECT_EQ(s["hits"], 4);
  EXPECT_EQ(s["misses"], 1);
  ASSERT_TRUE(m.cache->put("huge", std::string(100, 'x')).ok());
  EXPECT_FALSE(m.get("huge").has_value()) << "larger than the whole budget: not kept";
  EXPECT_EQ(m.stats()["entries"], 3) << "and nothing was evicted for it";
}

TEST(CacheMemory, EntriesExpireOnTheHostsClock) {
  Memory m(nlohmann::json{{"ttl_seconds", 60}});
  ASSERT_TRUE(m.cache->put("default", "v").ok());
  ASSERT_TRUE(m.cache->put("short", "v", 5).ok());
  m.manual_clock.advance(std::chrono::seconds(5));
  EXPECT_FALSE(m.get("short").has_value());
  EXPECT_TRUE(m.get("default").has_value());
  m.manual_clock.advance(std::chrono::seconds(55));
  EXPECT_FALSE(m.get("default").has_value());
  EXPECT_EQ(m.stats()["expirations"], 2);
  EXPECT_EQ(m.stats()["bytes"], 0);
}

}  // namespace
}  // namespace switchboard::plugin
