// Ties a call's host cancel token to the HTTP call or socket serving it,
// whichever order things happen in: subscribe first, attach the started
// call, release before reporting done (the token is only valid until then).
#pragma once

#include <functional>
#include <mutex>

#include "switchboard/sdk/host.hpp"

namespace switchboard::http {

class CancelLink {
 public:
  // Subscribes to the token. If it is already cancelled, cancelled() is
  // true at once.
  void arm(const sdk::CancelToken &token) {
    auto subscription = token.on_cancel([this] { fire(); });
    std::lock_guard lock(mutex_);
    subscription_ = std::move(subscription);
  }

  // The started call's cancel; runs at once if cancellation came first.
  void attach(std::function<void()> cancel) {
    std::unique_lock lock(mutex_);
    if (cancelled_) {
      lock.unlock();
      cancel();
      return;
    }
    cancel_ = std::move(cancel);
  }

  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }

  // Unsubscribes. Call before the sink reports done.
  void release() {
    sdk::CancelSubscription subscription;
    {
      std::lock_guard lock(mutex_);
      subscription = std::move(subscription_);
      cancel_ = nullptr;
    }
    subscription.reset();
  }

 private:
  void fire() {
    std::function<void()> cancel;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      cancel = cancel_;
    }
    if (cancel) cancel();
  }

  mutable std::mutex mutex_;
  sdk::CancelSubscription subscription_;
  std::function<void()> cancel_;
  bool cancelled_ = false;
};

}  // namespace switchboard::http
