// The serve command's signals are taken by one waiting thread: none is lost
// when it arrives before the waiter exists, every thread started afterwards
// keeps them blocked, and the waiter ends when it is destroyed.
#include "app/signal_waiter.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <vector>

namespace switchboard::app {
namespace {

// Signals heard by a waiter, for the test thread to wait on.
class Heard {
 public:
  void add(int signal) {
    {
      const std::lock_guard lock(mutex_);
      signals_.push_back(signal);
    }
    changed_.notify_all();
  }
  // Waits until `count` signals have been heard in all.
  bool wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return signals_.size() >= count; });
  }
  std::vector<int> signals() {
    const std::lock_guard lock(mutex_);
    return signals_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> signals_;
};

TEST(SignalWaiter, ASignalSentBeforeTheWaiterExistsIsHeardOnceItDoes) {
  SignalWaiter::block();
  ASSERT_EQ(kill(getpid(), SIGHUP), 0);  // would end the process if it were not blocked
  Heard heard;
  const SignalWaiter waiter([&](int s) { heard.add(s); });
  ASSERT_TRUE(heard.wait_for(1));
  EXPECT_EQ(heard.signals(), std::vector<int>{SIGHUP});
}

TEST(SignalWaiter, EachSignalSentToTheProcessReachesTheWaiterWhileOtherThreadsRun) {
  Heard heard;
  const SignalWaiter waiter([&](int s) { heard.add(s); });
  // A thread started after the waiter: the signals are blocked in it too.
  sigset_t in_worker;
  std::thread worker([&] { pthread_sigmask(SIG_BLOCK, nullptr, &in_worker); });
  worker.join();
  EXPECT_EQ(sigismember(&in_worker, SIGTERM), 1);
  EXPECT_EQ(sigismember(&in_worker, SIGINT), 1);
  EXPECT_EQ(sigismember(&in_worker, SIGHUP), 1);
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  ASSERT_TRUE(heard.wait_for(1));  // one at a time: a second SIGTERM before the first is taken would merge with it
  ASSERT_EQ(kill(getpid(), SIGINT), 0);
  ASSERT_TRUE(heard.wait_for(2));
  EXPECT_EQ(heard.signals(), (std::vector<int>{SIGTERM, SIGINT}));
}

TEST(SignalWaiter, DestroyingTheWaiterEndsItsThreadWithoutCallingBack) {
  std::atomic<int> calls{0};
  {
    const SignalWaiter waiter([&](int) { ++calls; });
  }
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace switchboard::app
