#include "resilience/tts_chain.hpp"

#include "resilience/attempt.hpp"

namespace switchboard::resilience {

class TtsCall::Attempt : public plugin::TtsHandler, public AttemptBase {
 public:
  Attempt(const std::shared_ptr<TtsCall> &owner, std::shared_ptr<Provider> p, Permit permit_, std::size_t index_,
          std::size_t sentence_)
      : AttemptBase(std::move(p), permit_, owner, owner->chain_.context().wheel),
        call(owner),
        index(index_),
        sentence(sentence_) {}

  void on_audio(const std::int16_t *samples, std::size_t count, std::uint32_t rate) override {
    call->on_audio(*this, samples, count, rate);
  }
  void on_done(const Outcome &outcome) override {
    auto keep = call;
    keep->on_attempt_done(*this, outcome);
    call.reset();
  }
  void on_watchdog(Watchdog::Kind kind, int ms) override {
    // Reported only while pinned, so the call is alive.
    static_cast<TtsCall *>(pinned_call())->on_watchdog(*this, Watchdog::describe(kind, ms));
  }

  std::shared_ptr<TtsCall> call;  // while the provider holds this handler
  std::size_t index;              // in the chain
  std::size_t sentence;           // in the turn
  bool got_first = false;
  std::size_t samples_sent = 0;
};

std::shared_ptr<TtsCall> TtsChain::start(TtsListener &listener, std::string voice) {
  return std::make_shared<TtsCall>(*this, listener, std::move(voice));
}

TtsCall::TtsCall(TtsChain &chain, TtsListener &listener, std::string voice)
    : chain_(chain), chain_keep_(chain.shared_from_this()), listener_(listener), voice_(std::move(voice)) {
  per_call_ = [this](const ChainEvent &e) { listener_.on_event(e); };
}

void TtsCall::event(ChainEvent::Type type, const std::string &provider, std::string detail) {
  chain_.emit({type, "tts", provider, std::move(detail)}, per_call_);
}

void TtsCall::add(std::string sentence) {
  std::lock_guard lock(mutex_);
  if (finished_ || ended_) return;
  sentences_.push_back(std::move(sentence));
  if (!attempt_) speak_next();
}

void TtsCall::end() {
  std::lock_guard lock(mutex_);
  if (finished_ || ended_) return;
  ended_ = true;
  if (!attempt_) speak_next();
}

void TtsCall::speak_next() {
  if (current_ < sentences_.size()) {
    failures_.clear();
    launch(0);
  } else if (ended_) {
    finish({});
  }
}

void TtsCall::launch(std::size_t from) {
  const auto pick = chain_.pick(from, per_call_);
  if (!pick) {
    std::string why;
    for (const auto &f : failures_) why += (why.empty() ? "" : "; ") + f;
    event(ChainEvent::Type::exhausted, "", why.empty() ? "no provider available" : why);
    finish({Status::retryable,
            "all tts providers failed" + (why.empty() ? std::string(": none available") : ": " + why), 0});
    return;
  }
  auto provider = chain_.providers()[pick->index];
  auto a = std::make_shared<Attempt>(shared_from_this(), provider, pick->permit, pick->index, current_);
  attempt_ = a;
  attempts_.push_back(a);
  a->started = chain_.context().clock.now();
  provider->stats.calls.fetch_add(1, std::memory_order_relaxed);
  event(ChainEvent::Type::selected, provider->name,
        "sentence " + std::to_string(current_ + 1) + (failures_.empty() ? "" : " (fallback)"));
  a->watchdog.start(*a, {provider->timeouts.first_byte_ms, provider->timeouts.idle_ms, provider->timeouts.total_ms, 0});
  const Outcome started = provider->tts->start(sentences_[current_], voice_, *a, a->cancel);
  if (!started.ok() && !a->plugin_done) {
    a->plugin_done = true;
    a->call.reset();
    a->watchdog.stop();
    if (started.status == Status::invalid_input || started.status == Status::cancelled) {
      a->release();
      finish(started);
      return;
    }
    a->fail(started.message, false);
    failed(*a, started.message);
  }
}

void TtsCall::on_audio(Attempt &a, const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  std::lock_guard lock(mutex_);
  if (a.abandoned || finished_ || count == 0) return;
  a.watchdog.activity();
  if (!a.got_first) {
    a.got_first = true;
    a.provider->stats.record_first_byte(chain_.context().clock.now() - a.started);
    a.watchdog.first_byte();
  }
  a.samples_sent += count;
  listener_.on_audio(a.sentence, samples, count, rate);
}

void TtsCall::on_attempt_done(Attempt &a, const Outcome &outcome) {
  std::lock_guard lock(mutex_);
  a.plugin_done = true;
  a.watchdog.stop();
  if (a.abandoned) return;
  if (finished_) {
    a.release();
    return;
  }
  switch (outcome.status) {
    case Status::ok:
      a.succeed();
      attempt_.reset();
      listener_.on_sentence_done(a.sentence);
      ++current_;
      speak_next();
      return;
    case Status::invalid_input:
    case Status::cancelled:
      a.release();
      finish(outcome);
      return;
    case Status::retryable:
    case Status::fatal:
      a.fail(outcome.message, false);
      failed(a, outcome.message);
      return;
  }
}

void TtsCall::on_watchdog(Attempt &a, const std::string &what) {
  std::lock_guard lock(mutex_);
  if (!a.running() || finished_) return;
  a.fail(what, true);
  abandon(attempt_);
  failed(a, what);
}

void TtsCall::failed(Attempt &a, const std::string &reason) {
  a.abandoned = true;
  failures_.push_back(a.provider->name + ": " + reason);
  event(ChainEvent::Type::failed, a.provider->name, reason);
  a.provider->stats.fallbacks.fetch_add(1, std::memory_order_relaxed);
  chain_.note_fallback();
  event(ChainEvent::Type::fallback, a.provider->name,
        "sentence " + std::to_string(a.sentence + 1) + (a.samples_sent > 0 ? " restarts" : " before any audio"));
  if (a.samples_sent > 0) listener_.on_sentence_restart(a.sentence);
  attempt_.reset();
  launch(a.index + 1);
}

void TtsCall::abandon(const std::shared_ptr<Attempt> &a) {
  if (!a) return;
  a->abandoned = true;
  a->watchdog.stop();
  if (a->plugin_done) return;
  chain_.context().executor.post([a] { a->cancel.cancel(); });
}

void TtsCall::finish(const Outcome &outcome) {
  if (finished_) return;
  finished_ = true;
  listener_.on_done(outcome);
}

void TtsCall::cancel() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  if (attempt_ && !attempt_->plugin_done) {
    attempt_->release(true);
    abandon(attempt_);
  }
  finish({Status::cancelled, "cancelled", 0});
}

}  // namespace switchboard::resilience
