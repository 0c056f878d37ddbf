#include <gtest/gtest.h>

#include "plugin/cache_client.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::plugin {
namespace {

struct Memory : test::ManualHost {
  explicit Memory(nlohmann::json config) {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    instance = Instance::create(registry.find("cache-memory"), "mem", config, context(), error);
    if (!instance) throw std::runtime_error(error);
    cache = std::make_unique<CacheClient>(*instance);
  }
  ~Memory() override {
    cache.reset();
    instance.reset();
  }
  std::optional<std::string> get(const std::string &k) {
    std::optional<std::string> v;
    EXPECT_TRUE(cache->get(k, v).ok());
    return v;
  }
  nlohmann::json stats() {
    nlohmann::json s;
    EXPECT_TRUE(cache->stats(s).ok());
    return s;
  }
  Registry registry;
  std::shared_ptr<Instance> instance;
  std::unique_ptr<CacheClient> cache;
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

TEST(CacheMemory, ReplacesEraseAndClear) {
  Memory m(nlohmann::json::object());
  ASSERT_TRUE(m.cache->put("k", "one").ok());
  ASSERT_TRUE(m.cache->put("k", "three").ok());
  EXPECT_EQ(m.get("k"), "three");
  EXPECT_EQ(m.stats()["bytes"], 6);
  ASSERT_TRUE(m.cache->erase("k").ok());
  EXPECT_FALSE(m.get("k").has_value());
  ASSERT_TRUE(m.cache->put("x", "1").ok());
  ASSERT_TRUE(m.cache->clear().ok());
  EXPECT_EQ(m.stats()["entries"], 0);
}

}  // namespace
}  // namespace switchboard::plugin
