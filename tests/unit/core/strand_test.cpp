#include "core/strand.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "support/done_signal.hpp"

namespace switchboard::core {
namespace {

TEST(Strand, RunsTasksOneAtATimeInTheOrderEachThreadPostedThem) {
  Executor executor(4);
  auto strand = Strand::create(executor);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::atomic<int> running{0};
  int overlaps = 0;  // touched only inside tasks: the strand is its lock
  std::vector<int> last_seen(kThreads, -1);
  int out_of_order = 0;
  int done = 0;
  test::DoneSignal all_done;

  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        strand->post([&, t, i] {
          if (running.fetch_add(1) != 0) ++overlaps;
          if (i != last_seen[t] + 1) ++out_of_order;
          last_seen[t] = i;
          running.fetch_sub(1);
          if (++done == kThreads * kPerThread) all_done.set();
        });
      }
    });
  }
  for (auto &p : posters) p.join();
  ASSERT_TRUE(all_done.wait());
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(out_of_order, 0);
  executor.stop();
}

TEST(Strand, KeepsItselfAliveWhileWorkIsQueued) {
  Executor executor(1);
  test::DoneSignal ran;
  {
    auto strand = Strand::create(executor);
    strand->post([&] { ran.set(); });
  }  // the last outside reference goes before the task runs
  EXPECT_TRUE(ran.wait());
  executor.stop();
}

}  // namespace
}  // namespace switchboard::core
