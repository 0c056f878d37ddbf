// What every chain's attempt has: its provider and breaker permit (settled
// exactly once), its place among the provider's calls in flight (held until
// the plugin's call ends), the cancel source handed to the provider, the
// watchdog, and where the attempt stands. The kind-specific attempts derive
// from it.
#pragma once

#include <memory>
#include <string>

#include "plugin/cancel_source.hpp"
#include "resilience/provider.hpp"
#include "resilience/watchdog.hpp"

namespace switchboard::resilience {

class AttemptBase : public Watchdog::Owner {
 public:
  // `life` is the call the attempt belongs to: a deadline is reported only
  // while it is alive.
  AttemptBase(std::shared_ptr<Provider> p, Permit permit_, std::weak_ptr<void> life, core::DeadlineWheel &wheel)
      : provider(std::move(p)), permit(permit_), life_(std::move(life)), watchdog(wheel) {}
  ~AttemptBase() override { ended(); }

  // A successful end; `first_byte` is how long the first chunk took (or the
  // final transcript, for stt), judged against the breaker's slow_call_ms.
  void succeed(core::Duration first_byte = {}) {
    settle(1, first_byte > std::chrono::milliseconds(provider->breaker.slow_call_ms()) &&
                  provider->breaker.judges_slow_calls());
    provider->stats.successes.fetch_add(1, std::memory_order_relaxed);
  }
  // A counted failure: an error from the provider (with the Retry-After it
  // sent, if any) or a watchdog.
  void fail(const std::string &why, bool timed_out, std::uint32_t retry_after_ms = 0) {
    settle(-1, false, retry_after_ms);
    if (timed_out) provider->stats.timeouts.fetch_add(1, std::memory_order_relaxed);
    provider->stats.record_failure(why);
  }
  // Lost a hedge race: no failure, but slow when the breaker judges that.
  void lose_race() {
    if (provider->breaker.judges_slow_calls()) {
      settle(1, true);
    } else {
      settle(0);
    }
  }
  // The plugin's call is over (its on_done came, or its start failed).
  void ended() {
    plugin_done = true;
    if (in_flight_) {
      in_flight_ = false;
      provider->in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  // Not the provider's fault: cancelled, the request's own fault, a lost hedge.
  void release(bool cancelled_by_caller = false) {
    settle(0);
    if (cancelled_by_caller) provider->stats.cancelled.fetch_add(1, std::memory_order_relaxed);
  }
  bool running() const noexcept { return !abandoned && !plugin_done; }
  // The call, while a deadline is being reported (between pin and unpin).
  void *pinned_call() const noexcept { return pinned_.get(); }

  bool pin() override {
    pinned_ = life_.lock();
    return pinned_ != nullptr;
  }
  void unpin() override { pinned_.reset(); }

  std::shared_ptr<Provider> provider;
  Permit permit;
  bool abandoned = false;  // no longer part of the call; its results are ignored
  bool plugin_done = false;
  plugin::CancelSource cancel;
  core::TimePoint started{};

 private:
  void settle(int result, bool slow = false, std::uint32_t retry_after_ms = 0) {
    if (settled_) return;
    settled_ = true;
    if (result > 0) provider->breaker.on_success(permit, slow);
    if (result < 0) provider->breaker.on_failure(permit, retry_after_ms);
    if (result == 0) provider->breaker.on_ignored(permit);
  }

  bool settled_ = false;
  bool in_flight_ = true;  // Chain::pick counted it
  std::weak_ptr<void> life_;
  std::shared_ptr<void> pinned_;

 public:
  // Last: disarmed before anything else of the attempt goes.
  Watchdog watchdog;
};

}  // namespace switchboard::resilience
