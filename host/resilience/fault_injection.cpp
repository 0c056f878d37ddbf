#include "resilience/fault_injection.hpp"

#include "resilience/fault_call.hpp"

namespace switchboard::resilience {
namespace {

Outcome injected_error() {
  return {Status::retryable, "injected fault: error", 0};
}

class FaultyLlmCall : public detail::FaultCall, public plugin::LlmHandler {
 public:
  FaultyLlmCall(std::shared_ptr<FaultPlan> plan, LlmBackend &inner, plugin::LlmRequest request,
                plugin::LlmHandler &outer, const plugin::CancelSource &cancel)
      : FaultCall(std::move(plan), cancel), inner_(inner), request_(std::move(request)), outer_(outer) {}

  void on_token(std::string_view text) override {
    if (count_chunk()) outer_.on_token(text);
  }
  void on_usage(std::uint32_t p, std::uint32_t c) override {
    if (!caller_done()) outer_.on_usage(p, c);
  }
  void on_done(const Outcome &outcome) override { inner_done(outcome); }

 private:
  Outcome start_inner() override { return inner_.start(request_, *this, inner_cancel()); }
  void deliver_done(const Outcome &outcome) override { outer_.on_done(outcome); }

  LlmBackend &inner_;
  plugin::LlmRequest request_;
  plugin::LlmHandler &outer_;
};

class FaultyLlm : public LlmBackend {
 public:
  FaultyLlm(std::unique_ptr<LlmBackend> inner, std::shared_ptr<FaultPlan> plan)
      : inner_(std::move(inner)), plan_(std::move(plan)) {}

  Outcome start(plugin::LlmRequest &request, plugin::LlmHandler &handler, const plugin::CancelSource &cancel) override {
    if (plan_->draw_error()) {
      return injected_error();
    }
    std::make_shared<FaultyLlmCall>(plan_, *inner_, request, handler, cancel)->begin();
    return {};
  }

 private:
  std::unique_ptr<LlmBackend> inner_;
  std::shared_ptr<FaultPlan> plan_;
};

class FaultyTtsCall : public detail::FaultCall, public plugin::TtsHandler {
 public:
  FaultyTtsCall(std::shared_ptr<FaultPlan> plan, TtsBackend &inner, std::string text, std::string voice,
                plugin::TtsHandler &outer, const plugin::CancelSource &cancel)
      : FaultCall(std::move(plan), cancel),
        inner_(inner),
        text_(std::move(text)),
        voice_(std::move(voice)),
        outer_(outer) {}

  void on_audio(const std::int16_t *samples, std::size_t count, std::uint32_t rate) override {
    if (count_chunk()) outer_.on_audio(samples, count, rate);
  }
  void on_word(std::size_t text_offset, std::uint64_t sample) override {
    if (!caller_done()) outer_.on_word(text_offset, sample);
  }
  void on_done(const Outcome &outcome) override { inner_done(outcome); }

 private:
  Outcome start_inner() override { return inner_.start(text_, voice_, *this, inner_cancel()); }
  void deliver_done(const Outcome &outcome) override { outer_.on_done(outcome); }

  TtsBackend &inner_;
  std::string text_;
  std::string voice_;
  plugin::TtsHandler &outer_;
};

class FaultyTts : public TtsBackend {
 public:
  FaultyTts(std::unique_ptr<TtsBackend> inner, std::shared_ptr<FaultPlan> plan)
      : inner_(std::move(inner)), plan_(std::move(plan)) {}

  Outcome start(const std::string &text, const std::string &voice, plugin::TtsHandler &handler,
                const plugin::CancelSource &cancel) override {
    if (plan_->draw_error()) {
      return injected_error();
    }
    std::make_shared<FaultyTtsCall>(plan_, *inner_, text, voice, handler, cancel)->begin();
    return {};
  }
  Outcome voices(nlohmann::json &out) override { return inner_->voices(out); }

 private:
  std::unique_ptr<TtsBackend> inner_;
  std::shared_ptr<FaultPlan> plan_;
};

// STT: error_rate fails the open; hang swallows every result until the stream
// is cancelled; cut_after_chunks fails the stream after that many results;
// latency_ms delays the final result and the end.
class FaultySttHandler : public plugin::SttHandler {
 public:
  FaultySttHandler(std::shared_ptr<FaultPlan> plan, plugin::SttHandler &outer, const plugin::CancelSource &outer_cancel)
      : plan_(std::move(plan)), outer_(outer), outer_cancel_(outer_cancel) {}

  void link() {
    const sb_cancel_token *t = outer_cancel_.token();
    subscription_ = t->subscribe(
        t->ctx, [](void *self) { static_cast<FaultySttHandler *>(self)->on_outer_cancel(); }, this);
  }

  void on_partial(std::string_view text) override {
    if (pass()) outer_.on_partial(text);
  }
  void on_final(std::string_view text, float confidence, std::string_view language) override {
    if (!pass()) return;
    if (plan_->settings().latency_ms > 0) {
      held_final_ = {std::string(text), confidence, std::string(language)};
      return;
    }
    outer_.on_final(text, confidence, language);
  }
  void on_done(const Outcome &outcome) override {
    if (plan_->settings().hang) {
      // A hung provider never answers: its end waits for the caller's cancel.
      std::lock_guard lock(mutex_);
      inner_finished_ = true;
      if (!cancelled_) return;
    }
    Outcome result = cut_ ? Outcome{Status::retryable,
                                    "injected fault: stream cut after " +
                                        std::to_string(plan_->settings().cut_after_chunks) + " results",
                                    0}
                          : outcome;
    if (plan_->settings().latency_ms > 0 && !outer_cancel_.cancelled()) {
      timer_ = plan_->clock().schedule(std::chrono::milliseconds(plan_->settings().latency_ms),
                                       [this, result](bool) { release(result); });
      return;
    }
    release(result);
  }

  const std::shared_ptr<plugin::CancelSource> inner_cancel = std::make_shared<plugin::CancelSource>();

 private:
  struct Final {
    std::string text;
    float confidence = 0;
    std::string language;
  };

  void on_outer_cancel() {
    bool finished = false;
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
      finished = plan_->settings().hang && inner_finished_;
    }
    if (finished) {
      release({Status::cancelled, "cancelled", 0});
    } else {
      inner_cancel->cancel();  // the inner stream ends, and on_done follows
    }
  }

  bool pass() {
    if (plan_->settings().hang || cut_) return false;
    const int limit = plan_->settings().cut_after_chunks;
    if (limit > 0 && ++results_ > limit) {
      cut_ = true;
      // The stream (and this handler) may be gone when the task runs: it
      // holds the cancel source, not the handler.
      plan_->executor().post([cancel = inner_cancel] { cancel->cancel(); });
      return false;
    }
    return true;
  }
  void release(const Outcome &result) {
    if (held_final_ && result.ok()) {
      outer_.on_final(held_final_->text, held_final_->confidence, held_final_->language);
    }
    const sb_cancel_token *t = outer_cancel_.token();
    t->unsubscribe(t->ctx, subscription_);
    outer_.on_done(result);
  }

  std::shared_ptr<FaultPlan> plan_;
  plugin::SttHandler &outer_;
  const plugin::CancelSource &outer_cancel_;
  std::uint64_t subscription_ = 0;
  int results_ = 0;
  bool cut_ = false;
  std::optional<Final> held_final_;
  core::TimerPtr timer_;
  std::mutex mutex_;
  bool inner_finished_ = false;
  bool cancelled_ = false;
};

class FaultySttSession : public SttSession {
 public:
  FaultySttSession(std::unique_ptr<FaultySttHandler> handler, std::unique_ptr<SttSession> inner)
      : handler_(std::move(handler)), inner_(std::move(inner)) {}
  ~FaultySttSession() override {
    inner_.reset();  // closes the inner stream before its handler goes
  }
  Status feed(const std::int16_t *samples, std::size_t count) noexcept override { return inner_->feed(samples, count); }
  void finish() noexcept override { inner_->finish(); }

 private:
  std::unique_ptr<FaultySttHandler> handler_;
  std::unique_ptr<SttSession> inner_;
};

class FaultyStt : public SttBackend {
 public:
  FaultyStt(std::unique_ptr<SttBackend> inner, std::shared_ptr<FaultPlan> plan)
      : inner_(std::move(inner)), plan_(std::move(plan)) {}

  Outcome open(plugin::SttHandler &handler, const plugin::CancelSource &cancel,
               std::unique_ptr<SttSession> &out) override {
    if (plan_->draw_error()) {
      return injected_error();
    }
    auto wrapper = std::make_unique<FaultySttHandler>(plan_, handler, cancel);
    std::unique_ptr<SttSession> inner;
    Outcome outcome = inner_->open(*wrapper, *wrapper->inner_cancel, inner);
    if (outcome.ok()) {
      wrapper->link();
      out = std::make_unique<FaultySttSession>(std::move(wrapper), std::move(inner));
    }
    return outcome;
  }

 private:
  std::unique_ptr<SttBackend> inner_;
  std::shared_ptr<FaultPlan> plan_;
};

}  // namespace

FaultPlan::FaultPlan(config::FaultSettings settings, core::Clock &clock, core::Executor &executor)
    : settings_(settings), clock_(clock), executor_(executor), rng_(settings.seed) {}

bool FaultPlan::draw_error() {
  if (settings_.error_rate <= 0) {
    return false;
  }
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < settings_.error_rate;
}

std::unique_ptr<LlmBackend> with_faults(std::unique_ptr<LlmBackend> inner, std::shared_ptr<FaultPlan> plan) {
  return std::make_unique<FaultyLlm>(std::move(inner), std::move(plan));
}
std::unique_ptr<TtsBackend> with_faults(std::unique_ptr<TtsBackend> inner, std::shared_ptr<FaultPlan> plan) {
  return std::make_unique<FaultyTts>(std::move(inner), std::move(plan));
}
std::unique_ptr<SttBackend> with_faults(std::unique_ptr<SttBackend> inner, std::shared_ptr<FaultPlan> plan) {
  return std::make_unique<FaultyStt>(std::move(inner), std::move(plan));
}

}  // namespace switchboard::resilience
