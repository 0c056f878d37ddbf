// The control part shared by faulty LLM and TTS calls: the caller's cancel
// token linked to the inner call's, an optional start delay, one done report
// to the caller, and the call's own lifetime. The call holds itself from
// begin() until the caller has its done and the inner call has ended; every
// task and timer it hands out holds it too, so none can outlive it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "plugin/cancel_source.hpp"
#include "resilience/fault_injection.hpp"

namespace switchboard::resilience::detail {

class FaultCall : public std::enable_shared_from_this<FaultCall> {
 public:
  FaultCall(std::shared_ptr<FaultPlan> plan, const plugin::CancelSource &outer);
  virtual ~FaultCall() = default;
  FaultCall(const FaultCall &) = delete;
  FaultCall &operator=(const FaultCall &) = delete;

  // Starts the call per the plan: hang, delay, or start the inner call now.
  // The call must be owned by a shared_ptr.
  void begin();

 protected:
  // Starts the inner call with inner_cancel(); returns its start outcome.
  virtual Outcome start_inner() = 0;
  // Gives the caller its done report.
  virtual void deliver_done(const Outcome &outcome) = 0;

  const plugin::CancelSource &inner_cancel() const { return inner_cancel_; }
  const config::FaultSettings &settings() const { return plan_->settings(); }
  // Counts one chunk of the inner call; true when it must be forwarded, and
  // ends the call with an injected cut after the configured number.
  bool count_chunk();
  // The inner call ended; forwards its outcome unless the caller already has one.
  void inner_done(const Outcome &outcome);
  bool caller_done() const;

 private:
  void launch();
  void on_outer_cancel();
  void finish(const Outcome &outcome);
  void release_if_over(std::unique_lock<std::mutex> &lock);

  std::shared_ptr<FaultPlan> plan_;
  const plugin::CancelSource &outer_;
  plugin::CancelSource inner_cancel_;
  std::uint64_t subscription_ = 0;

  mutable std::mutex mutex_;
  bool outer_done_ = false;
  bool inner_running_ = false;
  bool delayed_ = false;
  int chunks_ = 0;
  core::TimerPtr delay_;
  std::shared_ptr<FaultCall> self_;  // from begin() until the call is over
};

}  // namespace switchboard::resilience::detail
