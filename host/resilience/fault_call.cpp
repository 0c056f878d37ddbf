#include "resilience/fault_call.hpp"

namespace switchboard::resilience::detail {

FaultCall::FaultCall(std::shared_ptr<FaultPlan> plan, const plugin::CancelSource &outer)
    : plan_(std::move(plan)), outer_(outer) {}

void FaultCall::begin() {
  self_ = shared_from_this();
  const sb_cancel_token *token = outer_.token();
  subscription_ = token->subscribe(
      token->ctx, [](void *self) { static_cast<FaultCall *>(self)->on_outer_cancel(); }, this);
  if (settings().hang) {
    return;  // only a cancel ends it
  }
  if (settings().latency_ms > 0) {
    std::lock_guard lock(mutex_);
    delayed_ = true;
    delay_ = plan_->clock().schedule(std::chrono::milliseconds(settings().latency_ms),
                                     [self = shared_from_this()](bool fired) {
                                       std::unique_lock guard(self->mutex_);
                                       self->delay_.reset();  // the timer holds this call: let it go
                                       if (fired) {
                                         guard.unlock();
                                         self->plan_->executor().post([self] { self->launch(); });
                                         return;
                                       }
                                       self->delayed_ = false;
                                       self->release_if_over(guard);
                                     });
    return;
  }
  launch();
}

void FaultCall::launch() {
  std::unique_lock lock(mutex_);
  delayed_ = false;
  if (outer_done_) {
    release_if_over(lock);
    return;
  }
  inner_running_ = true;
  lock.unlock();
  const Outcome started = start_inner();
  if (!started.ok()) {
    lock.lock();
    inner_running_ = false;
    lock.unlock();
    finish(started);
  }
}

void FaultCall::on_outer_cancel() {
  std::unique_lock lock(mutex_);
  if (inner_running_) {
    lock.unlock();
    inner_cancel_.cancel();  // the inner call reports, and inner_done forwards it
    return;
  }
  const core::TimerPtr delay = delay_;
  lock.unlock();
  if (delay) delay->cancel();
  finish({Status::cancelled, "cancelled", 0});
}

bool FaultCall::count_chunk() {
  std::unique_lock lock(mutex_);
  if (outer_done_) {
    return false;
  }
  const int limit = settings().cut_after_chunks;
  if (limit > 0 && chunks_ >= limit) {
    return false;
  }
  ++chunks_;
  if (limit > 0 && chunks_ == limit) {
    // Cut after forwarding this chunk: stop the inner call from a worker
    // (never from inside its own callback) and fail the caller's call.
    plan_->executor().post([self = shared_from_this()] { self->inner_cancel_.cancel(); });
  }
  return true;
}

bool FaultCall::caller_done() const {
  std::lock_guard lock(mutex_);
  return outer_done_;
}

void FaultCall::inner_done(const Outcome &outcome) {
  std::unique_lock lock(mutex_);
  inner_running_ = false;
  const bool cut = settings().cut_after_chunks > 0 && chunks_ >= settings().cut_after_chunks;
  if (outer_done_) {
    release_if_over(lock);
    return;
  }
  lock.unlock();
  if (cut && !outer_.cancelled()) {
    finish({Status::retryable, "injected fault: stream cut after " + std::to_string(chunks_) + " chunks", 0});
  } else {
    finish(outcome);
  }
}

void FaultCall::finish(const Outcome &outcome) {
  {
    std::lock_guard lock(mutex_);
    if (outer_done_) {
      return;
    }
    outer_done_ = true;
  }
  const sb_cancel_token *token = outer_.token();
  token->unsubscribe(token->ctx, subscription_);
  deliver_done(outcome);
  std::unique_lock lock(mutex_);
  release_if_over(lock);
}

void FaultCall::release_if_over(std::unique_lock<std::mutex> &lock) {
  if (outer_done_ && !inner_running_ && !delayed_) {
    const auto keep = std::move(self_);  // this may go when keep does
    lock.unlock();
  }
}

}  // namespace switchboard::resilience::detail
