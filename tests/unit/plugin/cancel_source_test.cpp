#include "plugin/cancel_source.hpp"

#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace switchboard::plugin {
namespace {

void count(void *user) {
  ++*static_cast<std::atomic<int> *>(user);
}

TEST(CancelSource, TokenReportsCancellation) {
  CancelSource source;
  const sb_cancel_token *t = source.token();
  EXPECT_FALSE(t->is_cancelled(t->ctx));
  source.cancel();
  EXPECT_TRUE(t->is_cancelled(t->ctx));
}

TEST(CancelSource, SubscribersRunOnceEvenIfCancelledTwice) {
  CancelSource source;
  std::atomic<int> calls{0};
  source.token()->subscribe(source.token()->ctx, &count, &calls);
  source.cancel();
  source.cancel();
  EXPECT_EQ(calls, 1);
}

TEST(CancelSource, SubscribingAfterCancelRunsAtOnce) {
  CancelSource source;
  source.cancel();
  std::atomic<int> calls{0};
  source.token()->subscribe(source.token()->ctx, &count, &calls);
  EXPECT_EQ(calls, 1);
}

TEST(CancelSource, UnsubscribedCallbacksDoNotRun) {
  CancelSource source;
  std::atomic<int> calls{0};
  const auto id = source.token()->subscribe(source.token()->ctx, &count, &calls);
  source.token()->unsubscribe(source.token()->ctx, id);
  source.cancel();
  EXPECT_EQ(calls, 0);
}

struct Blocking {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
};

TEST(CancelSource, UnsubscribeWaitsForARunningCallback) {
  CancelSource source;
  Blocking b;
  const auto id = source.token()->subscribe(
      source.token()->ctx,
      [](void *user) {
        auto *blocking = static_cast<Blocking *>(user);
        blocking->entered.set_value();
        blocking->released.wait();
        blocking->finished = true;
      },
      &b);
  std::thread canceller([&] { source.cancel(); });
  b.entered.get_future().wait();
  std::atomic<bool> unsubscribed{false};
  std::thread unsubscriber([&] {
    source.token()->unsubscribe(source.token()->ctx, id);
    unsubscribed = true;
    EXPECT_TRUE(b.finished) << "unsubscribe returned while the callback was still running";
  });
  b.release.set_value();
  unsubscriber.join();
  canceller.join();
  EXPECT_TRUE(unsubscribed);
}

}  // namespace
}  // namespace switchboard::plugin
