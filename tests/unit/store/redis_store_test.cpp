// What only the Redis store does: hosts sharing sessions, keys that expire
// in Redis itself, and a Redis that is down or hung costing no call more
// than its timeout, with the fallback keeping and then writing back the
// conversation.
#include <gtest/gtest.h>

#include <chrono>

#include "store/session_store.hpp"
#include "support/redis_server.hpp"

namespace switchboard::store {
namespace {

HistoryEntry said(const std::string &role, const std::string &text, double at) {
  return {role + "-" + text, role, text, at};
}

RedisSettings settings_for(const test::RedisServer &server, std::chrono::milliseconds retry_after = {}) {
  RedisSettings s;
  s.options.timeout = std::chrono::milliseconds(100);
  s.options.retry_after = retry_after;
  s.options = redis::parse_url(server.url(), s.options);
  s.key_prefix = "host-test:";
  s.ttl_seconds = 600;
  return s;
}

std::vector<std::string> texts(const SessionRecord &r) {
  std::vector<std::string> out;
  for (const auto &e : r.history) out.push_back(e.text);
  return out;
}

TEST(RedisStore, TwoHostsSeeOneSession) {
  test::RedisServer server;
  auto a = redis_store(settings_for(server));
  auto b = redis_store(settings_for(server));
  a->get_or_create("s", 100, "alice");
  a->append("s", said("user", "what is the capital of France", 101), 6);
  b->append("s", said("assistant", "Paris", 102), 1);
  const auto seen = a->get("s");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(texts(*seen), (std::vector<std::string>{"what is the capital of France", "Paris"}));
  EXPECT_EQ(seen->owner, "alice");
  EXPECT_EQ(seen->stats.pairs, 1) << "B's answer completes A's question";
  EXPECT_EQ(seen->stats.tokens, 7);
  EXPECT_EQ(b->list().size(), 1u);
}

TEST(RedisStore, EveryWriteGivesTheSessionItsTtlInRedis) {
  test::RedisServer server;
  auto store = redis_store(settings_for(server));
  store->append("s", said("user", "hello", 1));
  for (const auto key : {"host-test:session:s", "host-test:history:s"}) {
    const auto ttl = server.command({"TTL", key}).integer;
    EXPECT_GT(ttl, 590) << key;
    EXPECT_LE(ttl, 600) << key;
  }
  server.command({"DEL", "host-test:session:s", "host-test:history:s"});  // as Redis does at the TTL
  EXPECT_FALSE(store->get("s").has_value());
  EXPECT_TRUE(store->list().empty()) << "a session Redis let go is not listed";
}

TEST(RedisStore, AHungRedisCostsOneTimeoutThenCallsFailAtOnceUntilTheWindowEnds) {
  test::RedisServer server;
  auto settings = settings_for(server, std::chrono::hours(1));
  redis::Client client(settings.options);
  client.command({"PING"});
  server.freeze();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(client.command({"PING"}), redis::Unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5))
      << "a hung Redis holds a call for its timeout (100 ms), not until it answers";
  EXPECT_FALSE(client.available());
  server.thaw();
  EXPECT_THROW(client.command({"PING"}), redis::Unavailable) << "inside the down window: not tried";
  EXPECT_EQ(client.failures(), 2u);
}

TEST(RedisStore, AFailedScriptIsACommandErrorAndTheConnectionStaysUsable) {
  test::RedisServer server;
  redis::Client client(settings_for(server).options);
  EXPECT_THROW(client.script("return redis.call('NOSUCHCOMMAND')", {}, {}), redis::CommandError);
  EXPECT_EQ(client.command({"PING"}).string, "PONG");
  EXPECT_TRUE(client.available());
}

TEST(RedisStore, ScriptsAreLoadedAgainAfterRedisForgetsThem) {
  test::RedisServer server;
  auto store = redis_store(settings_for(server));
  store->append("s", said("user", "one", 1));
  server.command({"SCRIPT", "FLUSH"});
  store->append("s", said("user", "two", 2));
  EXPECT_EQ(store->get("s")->history.size(), 2u);
}

TEST(RedisStoreFallback, AHungRedisCostsNoTurnAndTheConversationIsWrittenBack) {
  test::RedisServer server;
  auto store = with_memory_fallback(redis_store(settings_for(server)));
  store->get_or_create("s", 100, "alice");
  store->append("s", said("user", "first question", 101), 2);
  store->append("s", said("assistant", "first answer", 102), 2);

  server.freeze();
  store->append("s", said("user", "second question", 103), 2);
  store->append("s", said("assistant", "second answer", 104), 2);
  EXPECT_FALSE(store->health().available);
  EXPECT_GE(store->health().fallbacks, 2u);
  ASSERT_TRUE(store->get("s").has_value()) << "the outage's entries are served from memory";
  EXPECT_EQ(texts(*store->get("s")), (std::vector<std::string>{"second question", "second answer"}));

  server.thaw();
  const auto after = store->get("s");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(texts(*after),
            (std::vector<std::string>{"first question", "first answer", "second question", "second answer"}));
  EXPECT_EQ(after->owner, "alice");
  EXPECT_EQ(after->stats.messages, 4);
  EXPECT_EQ(after->stats.tokens, 8);
  EXPECT_TRUE(store->health().available);
  EXPECT_EQ(store->health().written_back, 1u);
  const auto direct = server.command({"LLEN", "host-test:history:s"});
  EXPECT_EQ(direct.integer, 4) << "written to Redis itself, not only served";
}

TEST(RedisStoreFallback, ARestartedEmptyRedisGetsTheSessionsOfTheOutage) {
  test::RedisServer server;
  auto store = with_memory_fallback(redis_store(settings_for(server)));
  store->append("kept", said("user", "before", 1));
  server.stop();
  store->append("kept", said("assistant", "during", 2));
  store->append("removed", said("user", "gone", 3));
  EXPECT_TRUE(store->remove("removed"));
  server.start();
  const auto sessions = store->list();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].id, "kept");
  EXPECT_EQ(texts(*store->get("kept")), (std::vector<std::string>{"during"}))
      << "what the crash lost is lost; what the outage said is kept";
}

TEST(RedisStoreFallback, RemovalsAndClearsDuringAnOutageHappenInRedisAfterIt) {
  test::RedisServer server;
  auto store = with_memory_fallback(redis_store(settings_for(server)));
  store->append("removed", said("user", "a", 1));
  store->append("cleared", said("user", "b", 1));
  server.freeze();
  store->remove("removed");
  store->clear_history("cleared");
  server.thaw();
  EXPECT_FALSE(store->get("removed").has_value());
  ASSERT_TRUE(store->get("cleared").has_value());
  EXPECT_TRUE(store->get("cleared")->history.empty());
}

TEST(RedisStoreFallback, ASecondOutageWritesBackOnlyItsOwnEntries) {
  test::RedisServer server;
  auto store = with_memory_fallback(redis_store(settings_for(server)));
  server.freeze();
  store->append("s", said("user", "one", 1));
  store->append("s", said("assistant", "two", 2));
  server.thaw();
  EXPECT_EQ(store->get("s")->history.size(), 2u);
  // A second outage and write-back of the same session: only the new entry goes.
  server.freeze();
  store->append("s", said("user", "three", 3));
  server.thaw();
  EXPECT_EQ(texts(*store->get("s")), (std::vector<std::string>{"one", "two", "three"}));
}

}  // namespace
}  // namespace switchboard::store
