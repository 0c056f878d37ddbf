#include "resilience/stt_chain.hpp"

#include "resilience/attempt.hpp"

#include <algorithm>
#include <cstring>

namespace switchboard::resilience {

class SttCall::Attempt : public plugin::SttHandler, public AttemptBase {
 public:
  Attempt(const std::shared_ptr<SttCall> &owner, std::shared_ptr<Provider> p, Permit permit_, std::size_t index_)
      : AttemptBase(std::move(p), permit_, owner, owner->chain_.context().wheel), call(owner), index(index_) {}

  void on_partial(std::string_view text) override {
    std::lock_guard lock(call->mutex_);
    if (call->is_active(*this)) call->listener_.on_partial(text);
  }
  void on_final(std::string_view text, float confidence, std::string_view language) override {
    std::lock_guard lock(call->mutex_);
    if (call->is_active(*this)) {
      got_final = true;
      call->listener_.on_final(text, confidence, language);
    }
  }
  void on_done(const Outcome &outcome) override {
    auto keep = call;
    keep->on_attempt_done(*this, outcome);
    call.reset();
  }
  void on_watchdog(Watchdog::Kind kind, int ms) override {
    // Reported only while pinned, so the call is alive.
    auto *owner = static_cast<SttCall *>(pinned_call());
    if (kind == Watchdog::Kind::budget) {
      owner->on_budget(*this);
      return;
    }
    owner->on_watchdog(*this, kind == Watchdog::Kind::first_byte
                                  ? "no final transcript " + std::to_string(ms) + " ms after the utterance"
                                  : Watchdog::describe(kind, ms));
  }

  std::shared_ptr<SttCall> call;  // while the provider holds this handler
  std::size_t index;
  bool got_final = false;
  std::size_t fed = 0;  // buffer samples this stream has received
  core::TimePoint finish_at{};
  std::unique_ptr<SttSession> session;
};

std::shared_ptr<SttCall> SttChain::start(SttListener &listener, std::size_t max_samples) {
  auto call = std::make_shared<SttCall>(*this, listener, max_samples);
  std::lock_guard lock(call->mutex_);
  call->open_next(0);
  return call;
}

SttCall::SttCall(SttChain &chain, SttListener &listener, std::size_t max_samples)
    : chain_(chain),
      chain_keep_(chain.shared_from_this()),
      listener_(listener),
      audio_(std::make_unique_for_overwrite<std::int16_t[]>(max_samples)),
      capacity_(max_samples) {
  per_call_ = [this](const ChainEvent &e) { listener_.on_event(e); };
}

SttCall::~SttCall() {
  // Streams close before their handlers go (attempts_ holds both).
  for (auto &a : attempts_) a->session.reset();
}

void SttCall::event(ChainEvent::Type type, const std::string &provider, std::string detail) {
  chain_.emit({type, "stt", provider, std::move(detail)}, per_call_);
}

bool SttCall::is_active(const Attempt &a) const {
  return !a.abandoned && !finished_ && active_.load(std::memory_order_acquire) == &a;
}

void SttCall::feed(const std::int16_t *samples, std::size_t count) noexcept {
  const std::size_t size = size_.load(std::memory_order_relaxed);
  const std::size_t n = std::min(count, capacity_ - size);
  if (n > 0) {
    std::memcpy(audio_.get() + size, samples, n * sizeof(std::int16_t));
    size_.store(size + n, std::memory_order_release);
  }
  if (n < count) dropped_.fetch_add(count - n, std::memory_order_relaxed);
  Attempt *a = active_.load(std::memory_order_acquire);
  if (a == nullptr || !a->session) return;
  const std::size_t end = size + n;
  if (a->fed < end) {
    // A non-OK status means the stream failed; its on_done follows and the
    // switch happens there.
    (void)a->session->feed(audio_.get() + a->fed, end - a->fed);
    a->fed = end;
  }
}

void SttCall::open_next(std::size_t from) {
  while (true) {
    if (deadline_ != core::TimePoint::max() && chain_.context().clock.now() >= deadline_) {
      budget_spent();
      return;
    }
    const auto pick = chain_.pick(from, per_call_, &failures_);
    if (!pick) {
      std::string why = describe(failures_);
      event(ChainEvent::Type::exhausted, "", why.empty() ? "no provider available" : why);
      const Status status = refusals_ > 0 && counted_failures_ == 0 ? Status::invalid_input : Status::retryable;
      finish_call(
          {status, "all stt providers failed" + (why.empty() ? std::string(": none available") : ": " + why), 0});
      return;
    }
    auto provider = chain_.providers()[pick->index];
    auto a = std::make_shared<Attempt>(shared_from_this(), provider, pick->permit, pick->index);
    attempts_.push_back(a);
    provider->stats.calls.fetch_add(1, std::memory_order_relaxed);
    const std::size_t replay = size_.load(std::memory_order_acquire);
    event(ChainEvent::Type::selected, provider->name,
          replay > 0 ? "replaying " + std::to_string(replay / 16) + " ms of the utterance" : "");
    // The first-byte clock waits for finish(): an stt stream owes its final only then.
    a->watchdog.start(*a, {provider->timeouts.first_byte_ms, 0, provider->timeouts.total_ms, 0, deadline_}, false);
    const Outcome opened = provider->stt->open(*a, a->cancel, a->session);
    if (!opened.ok()) {
      a->ended();
      a->call.reset();
      a->watchdog.stop();
      if (opened.status == Status::cancelled) {
        a->release();
        finish_call(opened);
        return;
      }
      if (opened.status == Status::invalid_input) {
        a->release();  // refused, not failed: the next provider is asked
        ++refusals_;
      } else {
        ++counted_failures_;
        a->fail(opened.message, false, opened.retry_after_ms);
      }
      failures_.push_back({&provider->name, nullptr, opened.message});
      event(ChainEvent::Type::failed, provider->name, opened.message);
      from = pick->index + 1;
      continue;
    }
    // Replay what was said so far, then hand the stream to the audio thread.
    if (replay > 0) {
      (void)a->session->feed(audio_.get(), replay);
    }
    a->fed = replay;
    if (finish_requested_) {
      const std::size_t size = size_.load(std::memory_order_acquire);
      if (size > a->fed) (void)a->session->feed(audio_.get() + a->fed, size - a->fed);
      a->fed = size;
    }
    active_.store(a.get(), std::memory_order_release);
    if (finish_requested_) {
      a->session->finish();
      arm_final_watchdog(a);
    }
    return;
  }
}

void SttCall::finish() {
  std::lock_guard lock(mutex_);
  if (finished_ || finish_requested_) return;
  finish_requested_ = true;
  Attempt *raw = active_.load(std::memory_order_acquire);
  for (const auto &a : attempts_) {
    if (a.get() != raw || a->abandoned) continue;
    const std::size_t size = size_.load(std::memory_order_acquire);
    if (size > a->fed) (void)a->session->feed(audio_.get() + a->fed, size - a->fed);
    a->fed = size;
    a->session->finish();
    arm_final_watchdog(a);
  }
}

void SttCall::arm_final_watchdog(const std::shared_ptr<Attempt> &a) {
  a->finish_at = chain_.context().clock.now();
  // The budget runs from the end of the utterance: the final is what is waited for.
  if (deadline_ == core::TimePoint::max()) deadline_ = chain_.deadline_from_now();
  a->watchdog.set_deadline(deadline_);
  a->watchdog.expect_first_byte();
}

void SttCall::on_budget(Attempt &a) {
  std::lock_guard lock(mutex_);
  if (!a.running() || finished_) return;
  a.release();
  std::shared_ptr<Attempt> shared;
  for (const auto &x : attempts_) {
    if (x.get() == &a) shared = x;
  }
  abandon(shared);
  budget_spent();
}

void SttCall::budget_spent() {
  if (finished_) return;
  std::string why = describe(failures_);
  event(ChainEvent::Type::exhausted, "", "call budget spent" + (why.empty() ? "" : ": " + why));
  finish_call({Status::retryable,
               "no transcript within the stt call budget of " + std::to_string(chain_.settings().call_ms) + " ms" +
                   (why.empty() ? "" : ": " + why),
               0});
}

void SttCall::on_attempt_done(Attempt &a, const Outcome &outcome) {
  std::lock_guard lock(mutex_);
  a.ended();
  a.watchdog.stop();
  if (a.abandoned) return;
  if (finished_) {
    a.release();
    return;
  }
  if (outcome.ok() && !finish_requested_) {
    // A stream that ends before the utterance did has failed it.
    ++counted_failures_;
    a.fail("stream ended before the utterance", false);
    on_result_failure(a, "stream ended before the utterance");
    return;
  }
  switch (outcome.status) {
    case Status::ok: {
      const auto waited = chain_.context().clock.now() - a.finish_at;
      a.succeed(a.finish_at != core::TimePoint{} ? waited : core::Duration{});
      if (a.finish_at != core::TimePoint{}) a.provider->stats.record_first_byte(waited);
      finish_call(outcome);
      return;
    }
    case Status::cancelled:
      a.release();
      finish_call(outcome);
      return;
    case Status::invalid_input:
      a.release();  // refused, not failed: the utterance goes to the next provider
      ++refusals_;
      on_result_failure(a, outcome.message);
      return;
    case Status::retryable:
    case Status::fatal:
      ++counted_failures_;
      a.fail(outcome.message, false, outcome.retry_after_ms);
      on_result_failure(a, outcome.message);
      return;
  }
}

void SttCall::on_watchdog(Attempt &a, const std::string &what) {
  std::lock_guard lock(mutex_);
  if (!a.running() || finished_) return;
  ++counted_failures_;
  a.fail(what, true);
  on_result_failure(a, what);
}

void SttCall::on_result_failure(Attempt &a, const std::string &reason) {
  std::shared_ptr<Attempt> shared;
  for (const auto &x : attempts_) {
    if (x.get() == &a) shared = x;
  }
  const bool had_results = a.got_final;
  abandon(shared);
  failures_.push_back({&a.provider->name, nullptr, reason});
  event(ChainEvent::Type::failed, a.provider->name, reason);
  a.provider->stats.fallbacks.fetch_add(1, std::memory_order_relaxed);
  chain_.note_fallback();
  event(ChainEvent::Type::fallback, a.provider->name, "utterance replayed on the next provider");
  if (had_results) listener_.on_replay();
  // Opening may block briefly: do it on a worker, never in a provider callback.
  auto self = shared_from_this();
  const std::size_t from = a.index + 1;
  chain_.context().executor.post([self, from] {
    std::lock_guard lock(self->mutex_);
    if (!self->finished_) self->open_next(from);
  });
}

void SttCall::abandon(const std::shared_ptr<Attempt> &a) {
  if (!a) return;
  a->abandoned = true;
  a->watchdog.stop();
  Attempt *expected = a.get();
  active_.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
  if (a->plugin_done) return;
  chain_.context().executor.post([a] { a->cancel.cancel(); });
}

void SttCall::finish_call(const Outcome &outcome) {
  if (finished_) return;
  finished_ = true;
  for (const auto &a : attempts_) a->watchdog.stop();
  listener_.on_done(outcome);
}

void SttCall::cancel() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  for (const auto &a : attempts_) {
    if (a->running()) {
      a->release(true);
      abandon(a);
    }
  }
  finish_call({Status::cancelled, "cancelled", 0});
}

}  // namespace switchboard::resilience
