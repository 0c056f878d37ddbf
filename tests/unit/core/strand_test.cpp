#include "core/strand.hpp"

#include <atomic>
#include <thread>
#include <vector>

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

TEST(Strand, RunsHereWhenIdleAndNeverAlongsideItsOwnTasks) {
  Executor executor(4);
  auto strand = Strand::create(executor);
  std::atomic<int> running{0};
  int overlaps = 0;  // touched only inside tasks
  int here = 0;
  int posted = 0;
  std::atomic<int> done{0};
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  test::DoneSignal all_done;
  auto task = [&](bool inline_run) {
    if (running.fetch_add(1) != 0) ++overlaps;
    ++(inline_run ? here : posted);
    running.fetch_sub(1);
    if (done.fetch_add(1) + 1 == kThreads * kPerThread) all_done.set();
  };
  // Idle at first: the first call runs here. After that, whether a call finds
  // the strand idle depends on timing; either way nothing may overlap.
  ASSERT_TRUE(strand->run_if_idle([&] { task(true); }));
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      for (int i = t == 0 ? 1 : 0; i < kPerThread; ++i) {
        // Half the callers try to run here, as the network side does.
        if (t % 2 == 0 && strand->run_if_idle([&] { task(true); })) continue;
        strand->post([&] { task(false); });
      }
    });
  }
  for (auto &c : callers) c.join();
  ASSERT_TRUE(all_done.wait());
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(here + posted, kThreads * kPerThread);
  executor.stop();
}

TEST(Strand, IsNotIdleWhileATaskIsQueuedOrRunning) {
  Executor executor(1);
  auto strand = Strand::create(executor);
  test::DoneSignal entered;
  test::DoneSignal go_on;
  test::DoneSignal finished;
  strand->post([&] {
    entered.set();
    go_on.wait();
  });
  ASSERT_TRUE(entered.wait());
  bool ran = false;
  EXPECT_FALSE(strand->run_if_idle([&] { ran = true; })) << "a task is running";
  strand->post([&] { finished.set(); });
  go_on.set();
  ASSERT_TRUE(finished.wait());
  EXPECT_FALSE(ran);
  // The strand's drain has returned once the one worker takes the next job.
  test::DoneSignal worker_free;
  executor.post([&] { worker_free.set(); });
  ASSERT_TRUE(worker_free.wait());
  // Idle again: it runs here, on this thread, at once.
  std::thread::id where;
  EXPECT_TRUE(strand->run_if_idle([&] { where = std::this_thread::get_id(); }));
  EXPECT_EQ(where, std::this_thread::get_id());
  executor.stop();
}

TEST(Strand, WhatIsPostedWhileItRunsHereRunsAfterIt) {
  Executor executor(2);
  auto strand = Strand::create(executor);
  std::vector<int> order;  // touched only inside tasks
  test::DoneSignal done;
  ASSERT_TRUE(strand->run_if_idle([&] {
    order.push_back(1);
    strand->post([&] {
      order.push_back(3);
      done.set();
    });
    order.push_back(2);
  }));
  ASSERT_TRUE(done.wait());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  executor.stop();
}

}  // namespace
}  // namespace switchboard::core
