// The kit's host misbehaves only where abi.h allows: posted tasks late and
// on other threads, never before their delay; drain runs the pending at
// once; the clock jumps but never goes back; calls after destroy are kept.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "plugin_test/fault_host.hpp"

namespace switchboard::plugin_test {
namespace {

struct Ran {
  std::promise<std::thread::id> thread;
  std::chrono::steady_clock::time_point at;
};

void record(void *user) {
  auto *r = static_cast<Ran *>(user);
  r->at = std::chrono::steady_clock::now();
  r->thread.set_value(std::this_thread::get_id());
}

TEST(FaultHost, PostRunsOnAnotherThreadNoEarlierThanAsked) {
  FaultHost host("kit", "{}", ".", {});
  Ran ran;
  auto thread = ran.thread.get_future();
  const auto posted = std::chrono::steady_clock::now();
  host.raw()->post(host.raw()->ctx, 30, &record, &ran);
  EXPECT_NE(thread.get(), std::this_thread::get_id());
  EXPECT_GE(ran.at - posted, std::chrono::milliseconds(30));
}

TEST(FaultHost, DrainRunsAPendingTaskAtOnce) {
  FaultHost host("kit", "{}", ".", {});
  Ran ran;
  auto thread = ran.thread.get_future();
  const auto posted = std::chrono::steady_clock::now();
  host.raw()->post(host.raw()->ctx, 60'000, &record, &ran);
  host.drain();
  ASSERT_EQ(thread.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_LT(ran.at - posted, std::chrono::seconds(30));
}

TEST(FaultHost, TheClockJumpsForwardAndNeverBack) {
  FaultHost host("kit", "{}", ".", {});
  const auto *h = host.raw();
  const std::int64_t first = h->now_ns(h->ctx);
  std::int64_t last = first;
  for (int i = 0; i < 200; ++i) {
    const std::int64_t now = h->now_ns(h->ctx);
    ASSERT_GE(now, last);
    last = now;
  }
  EXPECT_GE(last - first, 250'000'000);  // at least one jump in 200 reads
}

TEST(FaultHost, OffersOnlyTheSessionsDoubleAndNothingWhenAskedNot) {
  FaultHost offering("kit", "{}", ".", {});
  EXPECT_NE(offering.raw()->get_extension(offering.raw()->ctx, "switchboard.sessions/1"), nullptr);
  EXPECT_EQ(offering.raw()->get_extension(offering.raw()->ctx, "switchboard.unknown/1"), nullptr);
  FaultHost bare("kit", "{}", ".", FaultHost::Options{false});
  EXPECT_EQ(bare.raw()->get_extension(bare.raw()->ctx, "switchboard.sessions/1"), nullptr);
}

TEST(FaultHost, KeepsWhatBreaksTheContract) {
  FaultHost host("kit", "{}", ".", {});
  const auto *h = host.raw();
  h->counter_add(h->ctx, "calls_total", 1);
  EXPECT_TRUE(host.violations().empty());
  h->counter_add(h->ctx, "Calls Made", 1);
  host.close();
  h->log(h->ctx, SB_LOG_INFO, "after destroy");
  const auto v = host.violations();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NE(v[0].find("not snake_case"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("after destroy() returned"), std::string::npos) << v[1];
}

}  // namespace
}  // namespace switchboard::plugin_test
