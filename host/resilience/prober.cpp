#include "resilience/prober.hpp"

#include <mutex>
#include <vector>

#include "resilience/provider.hpp"

namespace switchboard::resilience {
namespace {

// One probe in flight: the provider it holds, the breaker's permit, a
// timeout, and one settlement. It keeps itself until the plugin's call ends.
class ProbeCall : public std::enable_shared_from_this<ProbeCall> {
 public:
  ProbeCall(std::shared_ptr<Provider> provider, Permit permit, core::Clock &clock, core::Executor &executor)
      : provider_(std::move(provider)), permit_(permit), clock_(clock), executor_(executor) {}
  virtual ~ProbeCall() = default;

  void run() {
    self_ = shared_from_this();
    provider_->stats.probes.fetch_add(1, std::memory_order_relaxed);
    timeout_ =
        clock_.schedule(std::chrono::milliseconds(provider_->probe.timeout_ms), [weak = weak_from_this()](bool fired) {
          auto self = weak.lock();
          if (!fired || !self) return;
          self->settle(false, "probe timed out");
          self->executor_.post([self] { self->cancel_.cancel(); });
        });
    const Outcome started = start();
    if (!started.ok()) ended(started);
  }

 protected:
  virtual Outcome start() = 0;
  // The plugin's call is over.
  void ended(const Outcome &outcome) {
    settle(outcome.ok(), outcome.message);
    if (timeout_) timeout_->cancel();
    // Let go from a task of its own: never inside the plugin's callback.
    executor_.post([self = std::move(self_)]() mutable { self.reset(); });
  }

  std::shared_ptr<Provider> provider_;
  plugin::CancelSource cancel_;

 private:
  void settle(bool ok, const std::string &why) {
    std::lock_guard lock(mutex_);
    if (settled_) return;
    settled_ = true;
    if (ok) {
      provider_->breaker.on_success(permit_);
    } else {
      provider_->stats.probe_failures.fetch_add(1, std::memory_order_relaxed);
      provider_->stats.note_error("probe: " + why);
      provider_->breaker.on_failure(permit_);
    }
  }

  Permit permit_;
  core::Clock &clock_;
  core::Executor &executor_;
  core::TimerPtr timeout_;
  std::mutex mutex_;
  bool settled_ = false;
  std::shared_ptr<ProbeCall> self_;
};

class LlmProbe : public ProbeCall, public plugin::LlmHandler {
 public:
  using ProbeCall::ProbeCall;
  void on_token(std::string_view) override {}
  void on_done(const Outcome &outcome) override { ended(outcome); }

 private:
  Outcome start() override {
    request_.messages = {{"user", provider_->probe.text}};
    request_.model = provider_->model;
    request_.max_tokens = 1;
    return provider_->llm->start(request_, *this, cancel_);
  }
  plugin::LlmRequest request_;
};

class TtsProbe : public ProbeCall, public plugin::TtsHandler {
 public:
  using ProbeCall::ProbeCall;
  void on_audio(const std::int16_t *, std::size_t, std::uint32_t) override {}
  void on_done(const Outcome &outcome) override { ended(outcome); }

 private:
  Outcome start() override {
    return provider_->tts->start(provider_->probe.text, provider_->voice_for(""), *this, cancel_);
  }
};

class SttProbe : public ProbeCall, public plugin::SttHandler {
 public:
  using ProbeCall::ProbeCall;
  ~SttProbe() override { session_.reset(); }  // the stream closes before its handler goes
  void on_partial(std::string_view) override {}
  void on_final(std::string_view, float, std::string_view) override {}
  void on_done(const Outcome &outcome) override { ended(outcome); }

 private:
  Outcome start() override {
    Outcome opened = provider_->stt->open(*this, cancel_, session_);
    if (!opened.ok()) return opened;
    const std::vector<std::int16_t> silence(8000, 0);  // half a second at 16 kHz
    (void)session_->feed(silence.data(), silence.size());
    session_->finish();
    return {};
  }
  std::unique_ptr<SttSession> session_;
};

}  // namespace

Prober::Prober(std::weak_ptr<Provider> provider, core::Clock &clock, core::Executor &executor)
    : provider_(std::move(provider)), clock_(clock), executor_(executor) {}

Prober::~Prober() {
  if (timer_) timer_->cancel();
}

void Prober::start() {
  schedule();
}

void Prober::schedule() {
  auto p = provider_.lock();
  if (!p) return;
  const auto interval =
      std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(p->probe.interval_seconds));
  timer_ = clock_.schedule(interval, [weak = weak_from_this()](bool fired) {
    auto self = weak.lock();
    if (!fired || !self) return;
    self->executor_.post([self] {
      self->tick();
      self->schedule();
    });
  });
}

void Prober::tick() {
  auto p = provider_.lock();
  if (!p || !p->enabled || p->breaker.snapshot().state != BreakerState::open) return;
  const Permit permit = p->breaker.try_acquire_probe();
  if (!permit.admitted) return;
  std::shared_ptr<ProbeCall> call;
  if (p->llm) {
    call = std::make_shared<LlmProbe>(p, permit, clock_, executor_);
  } else if (p->tts) {
    call = std::make_shared<TtsProbe>(p, permit, clock_, executor_);
  } else if (p->stt) {
    call = std::make_shared<SttProbe>(p, permit, clock_, executor_);
  } else {
    p->breaker.on_ignored(permit);
    return;
  }
  call->run();
}

}  // namespace switchboard::resilience
