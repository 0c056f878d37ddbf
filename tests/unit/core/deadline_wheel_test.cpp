#include "core/deadline_wheel.hpp"

#include <gtest/gtest.h>

#include "core/manual_clock.hpp"

namespace switchboard::core {
namespace {

using std::chrono::milliseconds;

class Probe : public DeadlineWheel::Entry {
 public:
  bool pin() override { return alive; }
  void unpin() override {}
  void on_deadline() override { fired_at.push_back(clock->now()); }

  ManualClock *clock = nullptr;
  bool alive = true;
  std::vector<TimePoint> fired_at;
};

TimePoint t0() {
  return TimePoint{};
}

TEST(DeadlineWheel, FiresOnceWithinOneTickOfTheDeadlineAndNotBefore) {
  ManualClock clock;
  DeadlineWheel wheel(clock);
  Probe p;
  p.clock = &clock;
  wheel.arm(p, t0() + milliseconds(50));
  clock.advance(milliseconds(49));
  EXPECT_TRUE(p.fired_at.empty());
  clock.advance(milliseconds(1));
  ASSERT_EQ(p.fired_at.size(), 1u);
  EXPECT_EQ(p.fired_at[0], t0() + milliseconds(50));
  clock.advance(milliseconds(100));
  EXPECT_EQ(p.fired_at.size(), 1u);
  EXPECT_EQ(wheel.armed(), 0u);
  EXPECT_EQ(clock.pending(), 0u) << "no ticking once nothing is armed";
}

TEST(DeadlineWheel, DisarmAndRearm) {
  ManualClock clock;
  DeadlineWheel wheel(clock);
  Probe a, b;
  a.clock = b.clock = &clock;
  wheel.arm(a, t0() + milliseconds(10));
  wheel.arm(b, t0() + milliseconds(10));
  wheel.disarm(a);
  wheel.arm(b, t0() + milliseconds(30));  // moved later
  clock.advance(milliseconds(29));
  EXPECT_TRUE(a.fired_at.empty());
  EXPECT_TRUE(b.fired_at.empty());
  clock.advance(milliseconds(1));
  EXPECT_EQ(b.fired_at.size(), 1u);
}

TEST(DeadlineWheel, DeadlinesBeyondOneTurnWaitTheirRound) {
  ManualClock clock;
  DeadlineWheel wheel(clock, milliseconds(1), 16);
  Probe p;
  p.clock = &clock;
  wheel.arm(p, t0() + milliseconds(40));  // two and a half turns away
  clock.advance(milliseconds(39));
  EXPECT_TRUE(p.fired_at.empty());
  clock.advance(milliseconds(1));
  EXPECT_EQ(p.fired_at.size(), 1u);
}

TEST(DeadlineWheel, APastDeadlineFiresOnTheNextTick) {
  ManualClock clock;
  DeadlineWheel wheel(clock);
  clock.advance(milliseconds(100));
  Probe p;
  p.clock = &clock;
  wheel.arm(p, t0());
  clock.advance(milliseconds(1));
  EXPECT_EQ(p.fired_at.size(), 1u);
}

TEST(DeadlineWheel, AnOwnerThatIsGoingIsSkipped) {
  ManualClock clock;
  DeadlineWheel wheel(clock);
  Probe p;
  p.clock = &clock;
  p.alive = false;
  wheel.arm(p, t0() + milliseconds(5));
  clock.advance(milliseconds(10));
  EXPECT_TRUE(p.fired_at.empty());
  EXPECT_EQ(wheel.armed(), 0u);
}

TEST(DeadlineWheel, DestroyingAnArmedEntryDisarmsIt) {
  ManualClock clock;
  DeadlineWheel wheel(clock);
  {
    Probe p;
    wheel.arm(p, t0() + milliseconds(5));
    EXPECT_EQ(wheel.armed(), 1u);
  }
  EXPECT_EQ(wheel.armed(), 0u);
  clock.advance(milliseconds(10));
}

TEST(DeadlineWheel, ManyEntriesEachFireAtTheirOwnTime) {
  ManualClock clock;
  DeadlineWheel wheel(clock, milliseconds(1), 64);
  std::vector<Probe> probes(500);
  for (std::size_t i = 0; i < probes.size(); ++i) {
    probes[i].clock = &clock;
    wheel.arm(probes[i], t0() + milliseconds(static_cast<int>(i * 7 % 300)));
  }
  clock.advance(milliseconds(301));
  for (std::size_t i = 0; i < probes.size(); ++i) {
    ASSERT_EQ(probes[i].fired_at.size(), 1u) << i;
    const TimePoint due = t0() + milliseconds(static_cast<int>(i * 7 % 300));
    EXPECT_GE(probes[i].fired_at[0], due) << i;
    EXPECT_LE(probes[i].fired_at[0], due + milliseconds(1)) << i;
  }
}

}  // namespace
}  // namespace switchboard::core
