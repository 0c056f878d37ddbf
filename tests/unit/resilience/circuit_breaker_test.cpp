#include "resilience/circuit_breaker.hpp"

#include <algorithm>

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
  s.open_jitter = 0;  // exact open periods; jitter has a test of its own
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

TEST(CircuitBreaker, OpenPeriodsAreSpreadByJitterAndNeverShorter) {
  core::ManualClock clock;
  auto s = settings(1);
  s.open_seconds = 10;
  s.open_jitter = 0.5;
  std::vector<core::TimePoint> until;
  for (int i = 0; i < 20; ++i) {
    CircuitBreaker b(s, clock);
    fail(b);
    until.push_back(*b.snapshot().open_until);
  }
  for (const auto &t : until) {
    EXPECT_GE(t, clock.now() + seconds(10));
    EXPECT_LE(t, clock.now() + seconds(15));
  }
  EXPECT_GT(*std::max_element(until.begin(), until.end()), *std::min_element(until.begin(), until.end()))
      << "twenty hosts that tripped together do not all come back in the same instant";
}

TEST(CircuitBreaker, HalfOpenIsJudgedOverSeveralProbes) {
  core::ManualClock clock;
  auto s = settings(1);
  s.half_open_successes = 3;
  CircuitBreaker b(s, clock);
  fail(b);
  clock.advance(seconds(30));
  succeed(b);
  succeed(b);
  EXPECT_EQ(b.snapshot().state, BreakerState::half_open) << "two of three";
  EXPECT_EQ(b.snapshot().probe_successes, 2);
  succeed(b);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  // A failure among the probes reopens it and the count starts again.
  fail(b);
  clock.advance(seconds(30));
  succeed(b);
  fail(b);
  EXPECT_EQ(b.snapshot().state, BreakerState::open);
  clock.advance(seconds(60));
  succeed(b);
  EXPECT_EQ(b.snapshot().probe_successes, 1);
}

TEST(CircuitBreaker, SlowCallsOverTheRateOpenItLikeFailures) {
  core::ManualClock clock;
  auto s = settings(100);
  s.window = 4;
  s.min_calls = 4;
  s.slow_call_ms = 100;
  s.slow_call_rate = 0.5;
  CircuitBreaker b(s, clock);
  auto call = [&](bool slow) {
    const Permit p = b.try_acquire();
    ASSERT_TRUE(p.admitted);
    b.on_success(p, slow);
  };
  call(true);
  call(false);
  call(false);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed) << "fewer than min_calls";
  EXPECT_EQ(b.snapshot().window_slow, 1);
  call(true);  // 2 of 4 slow
  EXPECT_EQ(b.snapshot().state, BreakerState::open);
  // Not judged when slow_call_ms is off.
  CircuitBreaker off(settings(100), clock);
  for (int i = 0; i < 20; ++i) {
    const Permit p = off.try_acquire();
    off.on_success(p, true);
  }
  EXPECT_EQ(off.snapshot().state, BreakerState::closed);
  EXPECT_EQ(off.snapshot().window_slow, 0);
}

TEST(CircuitBreaker, RetryAfterKeepsTheProviderOutAtLeastThatLong) {
  core::ManualClock clock;
  CircuitBreaker b(settings(100), clock);
  const Permit p = b.try_acquire();
  b.on_failure(p, 5000);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed) << "one failure does not trip it";
  EXPECT_FALSE(b.try_acquire().admitted) << "but it asked to be left alone";
  EXPECT_FALSE(b.available());
  ASSERT_TRUE(b.snapshot().retry_after_until);
  clock.advance(milliseconds(4999));
  EXPECT_FALSE(b.try_acquire().admitted);
  clock.advance(milliseconds(1));
  EXPECT_TRUE(b.try_acquire().admitted);
  // When it trips, the open period lasts at least until Retry-After ends.
  CircuitBreaker tripping(settings(1), clock);
  const Permit q = tripping.try_acquire();
  tripping.on_failure(q, 90000);
  EXPECT_EQ(tripping.snapshot().state, BreakerState::open);
  clock.advance(seconds(31));
  EXPECT_FALSE(tripping.try_acquire().admitted) << "open_seconds (30) is over; Retry-After (90) is not";
  clock.advance(seconds(60));
  EXPECT_TRUE(tripping.try_acquire().admitted);
}

TEST(CircuitBreaker, WithBackgroundProbesOnlyAProbeEndsTheOpenPeriod) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock, true);
  fail(b);
  clock.advance(seconds(300));
  EXPECT_FALSE(b.try_acquire().admitted) << "users' calls never half-open it";
  EXPECT_FALSE(b.available());
  const Permit probe = b.try_acquire_probe();
  ASSERT_TRUE(probe.admitted);
  EXPECT_TRUE(probe.probe);
  EXPECT_FALSE(b.try_acquire().admitted) << "the probe holds the half-open slot";
  b.on_success(probe);
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  EXPECT_TRUE(b.try_acquire().admitted);
}

TEST(CircuitBreaker, AnEarlyCallIsAProbeAndNeverOfAForcedOpenBreaker) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock);
  fail(b);
  const Permit early = b.try_acquire_early();
  ASSERT_TRUE(early.admitted);
  EXPECT_TRUE(early.probe);
  b.on_failure(early);
  EXPECT_EQ(b.snapshot().state, BreakerState::open);
  b.force_open();
  EXPECT_FALSE(b.try_acquire_early().admitted);
}

TEST(CircuitBreaker, OpenedAsToldItKeepsThePeriodThenClosesOnItsOwnEvidence) {
  core::ManualClock clock;
  CircuitBreaker b(settings(1), clock);
  std::vector<std::string> heard;
  b.set_listener([&](BreakerState, BreakerState to, const std::string &why) {
    if (to == BreakerState::open) heard.push_back(why);
  });
  b.open_as_told(seconds(10), "told by host-a: 3 failures");
  EXPECT_EQ(b.snapshot().state, BreakerState::open);
  EXPECT_EQ(*b.snapshot().open_until, clock.now() + seconds(10));
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], "told by host-a: 3 failures");
  b.open_as_told(seconds(4), "told again");
  EXPECT_EQ(*b.snapshot().open_until, clock.now() + seconds(10)) << "a shorter word does not shorten it";
  EXPECT_EQ(heard.size(), 1u) << "already open: no new transition";
  clock.advance(seconds(10));
  succeed(b);  // the half-open probe, on this host's own call
  EXPECT_EQ(b.snapshot().state, BreakerState::closed);
  EXPECT_EQ(b.snapshot().trips, 0) << "another host's trip is not this one's";
  fail(b);  // its own first trip: the configured period, not a doubled one
  EXPECT_EQ(*b.snapshot().open_until, clock.now() + seconds(30));
}

}  // namespace
}  // namespace switchboard::resilience
