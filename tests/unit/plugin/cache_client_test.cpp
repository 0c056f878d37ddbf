#include "plugin/cache_client.hpp"

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

TEST(CacheClient, PutGetEraseClearAndStatsCrossTheBoundary) {
  test::TestHost host;
  auto instance = host.create("fixture-cache-map");
  CacheClient cache(*instance);
  std::optional<std::string> value;

  ASSERT_TRUE(cache.get("k", value).ok());
  EXPECT_FALSE(value.has_value()) << "a miss is not an error";

  const std::string binary("a\0b", 3);
  ASSERT_TRUE(cache.put("k", binary).ok());
  ASSERT_TRUE(cache.get("k", value).ok());
  EXPECT_EQ(value, binary) << "values are bytes, not C strings";

  ASSERT_TRUE(cache.erase("k").ok());
  ASSERT_TRUE(cache.get("k", value).ok());
  EXPECT_FALSE(value.has_value());

  ASSERT_TRUE(cache.put("a", "1").ok());
  ASSERT_TRUE(cache.clear().ok());
  nlohmann::json stats;
  ASSERT_TRUE(cache.stats(stats).ok());
  EXPECT_EQ(stats["entries"], 0);
  EXPECT_EQ(stats["hits"], 1);
  EXPECT_EQ(stats["misses"], 2);
}

}  // namespace
}  // namespace switchboard::plugin
