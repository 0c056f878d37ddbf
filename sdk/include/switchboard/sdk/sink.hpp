// The shared state behind every streaming sink: guarantees that a call's
// callbacks never overlap and that nothing follows its done report.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "switchboard/sdk/status.hpp"

namespace switchboard::sdk::detail {

template <class Callbacks>
class CallState {
 public:
  explicit CallState(const Callbacks &callbacks) : callbacks_(callbacks) {}

  // Runs fn(callbacks) unless the call is done; returns whether it ran.
  template <class Fn>
  bool emit(Fn &&fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_) {
      return false;
    }
    fn(callbacks_);
    return true;
  }

  // Delivers on_done once; later calls do nothing and return false.
  bool finish(const Outcome &outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (done_) {
      return false;
    }
    done_ = true;
    if (outcome.ok()) {
      callbacks_.on_done(callbacks_.user, SB_OK, nullptr);
    } else {
      const sb_error err = outcome.to_error();
      callbacks_.on_done(callbacks_.user, static_cast<sb_status>(outcome.status), &err);
    }
    return true;
  }

  // Marks the call done without a report: for a call that failed to start.
  void abandon() {
    std::lock_guard<std::mutex> lock(mutex_);
    done_ = true;
  }

  bool done() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return done_;
  }

 private:
  mutable std::mutex mutex_;
  Callbacks callbacks_;
  bool done_ = false;
};

// What every sink offers: finishing, failing and asking whether it is done.
template <class Callbacks>
class SinkBase {
 public:
  explicit SinkBase(const Callbacks &callbacks) : state_(std::make_shared<CallState<Callbacks>>(callbacks)) {}

  // Ends the call successfully. Returns false if it had already ended.
  bool done() { return state_->finish(Outcome{}); }
  // Ends the call with a failure.
  bool fail(Status status, std::string message, std::uint32_t retry_after_ms = 0) {
    return state_->finish(Outcome{status, std::move(message), retry_after_ms});
  }
  bool fail(const Outcome &outcome) { return state_->finish(outcome); }
  bool finished() const { return state_->done(); }

  CallState<Callbacks> &state() { return *state_; }

 protected:
  std::shared_ptr<CallState<Callbacks>> state_;
};

}  // namespace switchboard::sdk::detail
