#include "switchboard/server/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

TEST(RateLimiter, BurstsUpToTheLimitThenRefusesWithTheWait) {
  RateLimiter limiter(1, 60);  // one a second, bursts of 60
  const auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.allow("1.2.3.4", t0, retry)) << i;
  EXPECT_FALSE(limiter.allow("1.2.3.4", t0, retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.allow("5.6.7.8", t0, retry)) << "each client has its own bucket";
  EXPECT_TRUE(limiter.allow("1.2.3.4", t0 + std::chrono::seconds(1), retry)) << "refilled";
  RateLimiter off(0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.allow("x", t0, retry));
}

TEST(RateLimiter, SaysWhatIsLeftAndWhenTheBucketIsFull) {
  RateLimiter limiter(100.0 / 60, 100);  // 100 a minute
  const auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  RateLimiter::Left left;
  ASSERT_TRUE(limiter.allow("ip", t0, retry, &left));
  EXPECT_EQ(left.limit, 100);
  EXPECT_EQ(left.remaining, 99);
  EXPECT_EQ(left.seconds_until_full, 1) << "one taken: back in 0.6 s";
  for (int i = 0; i < 99; ++i) ASSERT_TRUE(limiter.allow("ip", t0, retry, &left));
  EXPECT_EQ(left.remaining, 0);
  EXPECT_EQ(left.seconds_until_full, 60);
  EXPECT_FALSE(limiter.allow("ip", t0, retry, &left));
  EXPECT_EQ(left.remaining, 0);
  EXPECT_EQ(retry, 1);
}

TEST(RateLimiter, PerSecondWithItsOwnBurst) {
  RateLimiter limiter(10, 20);
  const auto t0 = RateLimiter::Clock::now();
  int retry = 0;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.allow("k", t0, retry)) << i;
  EXPECT_FALSE(limiter.allow("k", t0, retry));
  EXPECT_TRUE(limiter.allow("k", t0 + std::chrono::milliseconds(100), retry));
  EXPECT_FALSE(limiter.allow("k", t0 + std::chrono::milliseconds(100), retry));
}

}  // namespace
}  // namespace switchboard::server
