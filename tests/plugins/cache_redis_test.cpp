// What cache-redis does beyond every cache's contract (cache_test.cpp):
// hosts share entries, Redis expires them, a Redis down or hung is a quick
// failed call (which the host takes as a miss), and its return is noticed.
#include <chrono>

#include "plugins/cache_plugin.hpp"
#include "support/redis_server.hpp"

namespace switchboard::plugin {
namespace {

nlohmann::json config_for(const test::RedisServer &server, int retry_after_ms = 0) {
  return {{"url", server.url()}, {"key_prefix", "shared:"}, {"timeout_ms", 100}, {"retry_after_ms", retry_after_ms}};
}

TEST(CacheRedis, WhatOneHostPutsAnotherGets) {
  test::RedisServer server;
  CachePlugin a("cache-redis", config_for(server));
  CachePlugin b("cache-redis", config_for(server));
  ASSERT_TRUE(a.cache->put("tts|voice|hello", "speech").ok());
  EXPECT_EQ(b.get("tts|voice|hello"), "speech");
  EXPECT_EQ(server.command({"GET", "shared:tts|voice|hello"}).string, "speech") << "under the configured prefix";
}

TEST(CacheRedis, EntriesCarryTheirTtlIntoRedis) {
  test::RedisServer server;
  auto config = config_for(server);
  config["ttl_seconds"] = 900;
  CachePlugin c("cache-redis", config);
  ASSERT_TRUE(c.cache->put("default", "v").ok());
  ASSERT_TRUE(c.cache->put("short", "v", 5).ok());
  const auto default_ttl = server.command({"TTL", "shared:default"}).integer;
  EXPECT_GT(default_ttl, 890);
  EXPECT_LE(default_ttl, 900);
  const auto short_ttl = server.command({"TTL", "shared:short"}).integer;
  EXPECT_GT(short_ttl, 0);
  EXPECT_LE(short_ttl, 5);
}

TEST(CacheRedis, OnlyItsOwnPrefixIsClearedAndCounted) {
  test::RedisServer server;
  server.command({"SET", "other:key", "keep me"});
  server.command({"SET", "shared*:literal", "not under shared: either"});
  CachePlugin c("cache-redis", config_for(server));
  ASSERT_TRUE(c.cache->put("a", "1").ok());
  EXPECT_EQ(c.stats()["entries"], 1);
  ASSERT_TRUE(c.cache->clear().ok());
  EXPECT_EQ(server.command({"GET", "other:key"}).string, "keep me");
  EXPECT_EQ(server.command({"EXISTS", "shared*:literal"}).integer, 1);
}

TEST(CacheRedis, AHungRedisFailsTheCallAsRetryableAndItsReturnIsNoticed) {
  test::RedisServer server;
  CachePlugin c("cache-redis", config_for(server));
  ASSERT_TRUE(c.cache->put("k", "v").ok());
  server.freeze();
  std::optional<std::string> value;
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = c.cache->get("k", value);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "bounded by timeout_ms";
  EXPECT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status, sdk::Status::retryable) << outcome.message;
  EXPECT_FALSE(value.has_value());
  server.thaw();
  EXPECT_EQ(c.get("k"), "v") << "once Redis answers, the cache is back";
  EXPECT_EQ(c.stats()["errors"], 1);
}

TEST(CacheRedis, ABadUrlIsRefusedSayingWhy) {
  std::string error;
  try {
    CachePlugin c("cache-redis", {{"url", "http://127.0.0.1:6379"}});
  } catch (const std::runtime_error &e) {
    error = e.what();
  }
  EXPECT_NE(error.find("must start with redis://"), std::string::npos) << "error: '" << error << "'";
}

}  // namespace
}  // namespace switchboard::plugin
