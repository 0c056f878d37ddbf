#include "resilience/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include "core/manual_clock.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

config::CircuitSettings settings(int threshold = 3) {
  config::CircuitSettings s;
  s.failure_threshold = threshold;
  s.window = 10;
  s.min_calls = 10;
  s.failure_rate = 0.5;
  s.open_seconds = 30;
  s.max_open_seconds = 100;
  s.half_open_probes = 1;
  return s;
}

void fail(CircuitBreaker &b) {
  const Permit p = b.try_acquire();
  ASSERT_TRUE(p.admitted);
  b.on_failure(p);
}

void succeed(CircuitBreaker &b) {
  const Permit p = b.try_acquire();
  ASSERT_TRUE(p.admitted);
  b.on_success(p);
}

TEST(CircuitBreaker, OpensAfterThresholdConsecutiveFailures) {
  core::ManualClock clock;
  CircuitBreaker b(settings(3), clock);
  fail(b);
  fail(b);
  succeed(b);  // breaks the run
  fail(b);
  fail(b);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  fail(b);
  EXPECT_EQ(b.snapshot().state, BreakerState::open);
  EXPECT_FALSE(b.try_acquire().admitted);
  EXPECT_FALSE(b.available());
}

TEST(CircuitBreaker, OpensOnFailureRateOverTheWindow) {
  core::ManualClock clock;
  CircuitBreaker b(settings(100), clock);
  for (int i = 0; i < 9; ++i) {
    (i % 2 == 0 ? fail : succeed)(b);
  }
  EXPECT_EQ(b.snapshot().state, BreakerState::closed) << "fewer than min_calls";
  fail(b);  // 6 of 10 failed
  EXPECT_EQ(b.snapshot().state, BreakerState::open);
}

TEST(CircuitBreaker, HalfOpensAfterOpenSecondsAndAProbeSuccessCloses) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock);
  fail(b);
  clock.advance(seconds(29));
  EXPECT_FALSE(b.try_acquire().admitted);
  clock.advance(seconds(1));
  const Permit probe = b.try_acquire();
  ASSERT_TRUE(probe.admitted);
  EXPECT_TRUE(probe.probe);
  EXPECT_EQ(b.snapshot().state, BreakerState::half_open);
  b.on_success(probe);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  const Permit next = b.try_acquire();
  EXPECT_TRUE(next.admitted);
  EXPECT_FALSE(next.probe);
}

TEST(CircuitBreaker, AFailedProbeReopensForLongerUpToTheCap) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock);
  fail(b);  // open 30 s
  clock.advance(seconds(30));
  fail(b);  // probe fails: open 60 s
  clock.advance(seconds(59));
  EXPECT_FALSE(b.try_acquire().admitted);
  clock.advance(seconds(1));
  fail(b);  // open 120 s, capped at 100
  clock.advance(seconds(99));
  EXPECT_FALSE(b.try_acquire().admitted);
  clock.advance(seconds(1));
  succeed(b);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  fail(b);  // after closing, the growth starts over
  clock.advance(seconds(30));
  EXPECT_TRUE(b.try_acquire().admitted);
  EXPECT_EQ(b.snapshot().trips, 4);
}

TEST(CircuitBreaker, HalfOpenAdmitsExactlyTheConfiguredProbes) {
  core::ManualClock clock;
  auto s = settings(1);
  s.half_open_probes = 2;
  CircuitBreaker b(s, clock);
  fail(b);
  clock.advance(seconds(30));
  const Permit p1 = b.try_acquire();
  const Permit p2 = b.try_acquire();
  const Permit p3 = b.try_acquire();
  EXPECT_TRUE(p1.admitted && p1.probe);
  EXPECT_TRUE(p2.admitted && p2.probe);
  EXPECT_FALSE(p3.admitted);
  EXPECT_EQ(b.snapshot().probes_in_flight, 2);
  b.on_ignored(p1);  // a cancelled probe gives its slot back
  EXPECT_TRUE(b.try_acquire().admitted);
  EXPECT_FALSE(b.try_acquire().admitted);
}

TEST(CircuitBreaker, ResultsOfCallsFromBeforeATransitionDoNotCount) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock);
  const Permit old_call = b.try_acquire();
  fail(b);  // opens
  clock.advance(seconds(30));
  const Permit probe = b.try_acquire();
  b.on_success(old_call);  // a success from before must not close it
  EXPECT_EQ(b.snapshot().state, BreakerState::half_open);
  b.on_success(probe);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
}

TEST(CircuitBreaker, OperatorResetAndForceOpen) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock);
  std::vector<std::string> seen;
  b.set_listener([&](BreakerState from, BreakerState to, const std::string &why) {
    seen.push_back(std::string(to_string(from)) + ">" + to_string(to) + " " + why);
  });
  b.force_open();
  clock.advance(seconds(3600));
  EXPECT_FALSE(b.try_acquire().admitted) << "forced open stays open past open_seconds";
  EXPECT_TRUE(b.snapshot().forced_open);
  EXPECT_FALSE(b.snapshot().open_until.has_value());
  b.reset();
  EXPECT_TRUE(b.try_acquire().admitted);
  fail(b);
  b.reset();
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  EXPECT_EQ(b.snapshot().consecutive_failures, 0);
  const std::vector<std::string> expected = {"closed>open forced open by operator", "open>closed reset by operator",
                                             "closed>open 1 consecutive failures", "open>closed reset by operator"};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace switchboard::resilience
