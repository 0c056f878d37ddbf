// Breaker news over a redis-server of the test's own: what one host
// publishes the others hear, never itself; what is not news is ignored; a
// Redis that goes away and comes back is listened to again.
#include "resilience/breaker_news.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "support/redis_server.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::seconds;

// What a host heard, with a wait for the next item (an event, not a sleep).
struct Heard {
  void operator()(const BreakerNewsItem &item) {
    std::lock_guard lock(mutex);
    items.push_back(item);
    changed.notify_all();
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, seconds(10), [&] { return items.size() >= n; });
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<BreakerNewsItem> items;
};

redis::Options options_for(const test::RedisServer &server) {
  redis::Options o;
  o.timeout = std::chrono::milliseconds(500);
  o.retry_after = std::chrono::milliseconds(50);
  return redis::parse_url(server.url(), o);
}

TEST(BreakerNews, TheNewsTravelsIntactAndWhatIsNotNewsIsRefused) {
  const BreakerNewsItem item{"host-a", "llm", "groq", 30.5, "3 failures in a row"};
  const auto back = decode_news(encode(item));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->host, "host-a");
  EXPECT_EQ(back->kind, "llm");
  EXPECT_EQ(back->provider, "groq");
  EXPECT_DOUBLE_EQ(back->open_seconds, 30.5);
  EXPECT_EQ(back->why, "3 failures in a row");
  for (const char *bad : {"", "not json", "[]", R"({"host":"a","kind":"llm","provider":"p"})",
                          R"({"host":"a","kind":"llm","provider":"p","open_seconds":-1})",
                          R"({"host":1,"kind":"llm","provider":"p","open_seconds":1})"}) {
    EXPECT_FALSE(decode_news(bad).has_value()) << bad;
  }
  EXPECT_DOUBLE_EQ(decode_news(R"({"host":"a","kind":"llm","provider":"p","open_seconds":1e9})")->open_seconds, 86400)
      << "no host is kept out for more than a day on another's word";
}

TEST(BreakerNews, EveryOtherHostHearsItAndTheSenderDoesNot) {
  test::RedisServer server;
  Heard a_heard, b_heard, c_heard;
  BreakerNews a(options_for(server), "test:breakers", "host-a", std::ref(a_heard));
  BreakerNews b(options_for(server), "test:breakers", "host-b", std::ref(b_heard));
  BreakerNews c(options_for(server), "test:breakers", "host-c", std::ref(c_heard));
  for (auto *news : {&a, &b, &c}) ASSERT_TRUE(news->wait_listening(seconds(10)));
  a.publish({"ignored", "tts", "cartesia", 12, "stalled"});
  ASSERT_TRUE(b_heard.wait_for(1));
  ASSERT_TRUE(c_heard.wait_for(1));
  EXPECT_EQ(b_heard.items[0].host, "host-a") << "the sender names itself, whatever the item said";
  EXPECT_EQ(b_heard.items[0].provider, "cartesia");
  // B's own news reaches A and C; by then A has had every chance to hear its own.
  b.publish({"", "llm", "groq", 5, "429"});
  ASSERT_TRUE(a_heard.wait_for(1));
  ASSERT_TRUE(c_heard.wait_for(2));
  EXPECT_EQ(a_heard.items.size(), 1u) << "A never hears its own news";
  EXPECT_EQ(a_heard.items[0].host, "host-b");
  // B and C may hear A's news before A has Redis's answer to its PUBLISH.
  ASSERT_TRUE(a.wait_published(1, seconds(10))) << a.view().dump();
  EXPECT_EQ(a.view()["published"], 1);
  EXPECT_EQ(b.view()["received"], 1);
}

TEST(BreakerNews, ARedisThatComesBackIsListenedToAgain) {
  test::RedisServer server;
  Heard heard;
  BreakerNews sender(options_for(server), "test:breakers", "host-a", [](const BreakerNewsItem &) {});
  BreakerNews listener(options_for(server), "test:breakers", "host-b", std::ref(heard));
  ASSERT_TRUE(listener.wait_listening(seconds(10)));
  server.stop();
  server.start();
  ASSERT_TRUE(listener.wait_listening(seconds(10), 2)) << "listening again, on a new connection";
  sender.publish({"", "stt", "deepgram", 8, "reset"});
  ASSERT_TRUE(heard.wait_for(1)) << listener.view().dump();
  EXPECT_GE(listener.view()["failures"].get<int>(), 1) << "the outage was counted";
}

}  // namespace
}  // namespace switchboard::resilience
