#include "resilience/llm_chain.hpp"

namespace switchboard::resilience {

using std::chrono::milliseconds;

// One provider's part in a call. The plugin holds it (as its handler) until
// its on_done; the call holds it for its own lifetime.
LlmCall::Attempt::Attempt(LlmCall &owner_, std::shared_ptr<Provider> p, Permit permit_, bool is_hedge)
    : AttemptBase(std::move(p), permit_, owner_.weak_from_this(), owner_.chain_.context().wheel),
      owner(owner_),
      call(owner_.shared_from_this()),
      hedge(is_hedge) {}

void LlmCall::Attempt::on_token(std::string_view text) {
  owner.on_token(*this, text);
}
void LlmCall::Attempt::on_usage(std::uint32_t p, std::uint32_t c) {
  owner.on_usage(*this, p, c);
}

void LlmCall::Attempt::on_tool_call(std::uint32_t index, std::string_view id, std::string_view name,
                                    std::string_view arguments) {
  owner.on_tool_call(*this, index, id, name, arguments);
}

void LlmCall::Attempt::on_done(const Outcome &outcome) {
  auto keep = call;  // the call may otherwise go while it handles this
  owner.on_attempt_done(*this, outcome);
  call.reset();
}

void LlmCall::Attempt::on_watchdog(Watchdog::Kind kind, int ms) {
  if (kind == Watchdog::Kind::budget) {
    std::lock_guard lock(owner.mutex_);
    owner.budget_spent();
  } else {
    owner.on_watchdog(*this, Watchdog::describe(kind, ms));
  }
}
void LlmCall::Attempt::on_hedge() {
  owner.on_hedge(*this);
}

LlmCall::Attempt &LlmCall::new_attempt(std::shared_ptr<Provider> provider, Permit permit, bool hedge) {
  Attempt *a = nullptr;
  if (attempts_.size() < inline_attempts_.size()) {
    a = &inline_attempts_[attempts_.size()].emplace(*this, std::move(provider), permit, hedge);
  } else {
    more_attempts_.push_back(std::make_unique<Attempt>(*this, std::move(provider), permit, hedge));
    a = more_attempts_.back().get();
  }
  attempts_.push_back(a);
  return *a;
}

// A reference that keeps the attempt (and so the call) alive.
std::shared_ptr<LlmCall::Attempt> LlmCall::hold(Attempt &a) {
  return std::shared_ptr<Attempt>(shared_from_this(), &a);
}

std::shared_ptr<LlmCall> LlmChain::start(LlmChainRequest request, LlmListener &listener) {
  auto call = std::make_shared<LlmCall>(*this, std::move(request), listener);
  call->begin();
  return call;
}

LlmCall::LlmCall(LlmChain &chain, LlmChainRequest request, LlmListener &listener)
    : chain_(chain), chain_keep_(chain.shared_from_this()), request_(std::move(request)), listener_(listener) {
  per_call_ = [this](const ChainEvent &e) { listener_.on_event(e); };
  if (!request_.prefer.empty()) {
    const auto &providers = chain_.providers();
    for (std::size_t i = 0; i < providers.size(); ++i) {
      if (providers[i]->name == request_.prefer || providers[i]->answers_as == request_.prefer)
        order_.insert(order_.begin(), i);
      else
        order_.push_back(i);
    }
  }
}

LlmCall::~LlmCall() = default;

void LlmCall::event(ChainEvent::Type type, const std::string &provider, std::string detail) {
  chain_.emit({type, "llm", provider, std::move(detail)}, per_call_);
}

void LlmCall::begin() {
  std::lock_guard lock(mutex_);
  deadline_ = chain_.deadline_from_now();
  try_next();
}

std::string LlmCall::failure_list() const {
  return describe(failures_);
}

void LlmCall::try_next() {
  if (deadline_ != core::TimePoint::max() && chain_.context().clock.now() >= deadline_) {
    budget_spent();
    return;
  }
  const auto pick = chain_.pick(next_index_, per_call_, &failures_, true, order());
  if (!pick) {
    const std::string why = failure_list();
    event(ChainEvent::Type::exhausted, "", why.empty() ? "no provider available" : why);
    // Refused by every provider that was asked, and failed by none: the
    // request's own fault.
    const Status status = refusals_ > 0 && counted_failures_ == 0 ? Status::invalid_input : Status::retryable;
    finish({status, "all llm providers failed" + (why.empty() ? std::string(": none available") : ": " + why), 0});
    return;
  }
  launch(*pick, false);
}

void LlmCall::budget_spent() {
  if (finished_) return;
  const std::string why = failure_list();
  event(ChainEvent::Type::exhausted, "", "call budget spent" + (why.empty() ? "" : ": " + why));
  finish({Status::retryable,
          "no answer within the llm call budget of " + std::to_string(chain_.settings().call_ms) + " ms" +
              (why.empty() ? "" : ": " + why),
          0});
}

void LlmCall::launch(const Chain::Pick &pick, bool hedge) {
  next_index_ = pick.position + 1;
  const auto &provider = chain_.providers()[pick.index];
  Attempt *a = &new_attempt(provider, pick.permit, hedge);
  a->request.history = &request_.messages;
  if (!emitted_.empty()) {
    // Continue the answer: the text so far as the assistant's own words.
    a->request.messages.push_back({"assistant", emitted_});
  }
  a->request.model = provider->model.empty() ? request_.model : provider->model;
  a->request.temperature = request_.temperature;
  a->request.max_tokens = request_.max_tokens;
  a->request.tools_json = request_.tools_json;
  a->request.passages = request_.passages;
  a->started = chain_.context().clock.now();
  provider->stats.calls.fetch_add(1, std::memory_order_relaxed);
  event(ChainEvent::Type::selected, provider->name,
        pick.early          ? "every breaker open: the one that reopens soonest"
        : hedge             ? "hedge"
        : !emitted_.empty() ? "continuing a partial answer"
        : failures_.empty() ? ""
                            : "fallback");
  arm_timers(*a);
  const Outcome started = provider->llm->start(a->request, *a, a->cancel);
  if (!started.ok() && !a->plugin_done) {
    // Nothing started and no callback will come: release the attempt here.
    a->ended();
    a->call.reset();
    a->watchdog.stop();
    ended_badly(*a, started);
  }
}

void LlmCall::arm_timers(Attempt &a) {
  const auto &t = a.provider->timeouts;
  a.watchdog.start(a, {t.first_byte_ms, t.idle_ms, t.total_ms, a.hedge ? 0 : a.provider->hedge_after_ms, deadline_});
}

void LlmCall::on_first_byte(Attempt &a) {
  a.got_first = true;
  a.first_at = chain_.context().clock.now();
  a.provider->stats.record_first_byte(a.first_at - a.started);
  a.watchdog.first_byte();
  if (winner_ == nullptr) {
    winner_ = &a;
    event(ChainEvent::Type::answering, a.provider->name, a.hedge ? "hedge" : "");
    bool raced = false;
    for (Attempt *other : attempts_) {
      if (other != &a && other->running()) {
        raced = true;
        other->lose_race();
        abandon(*other);
      }
    }
    if (raced || a.hedge) event(ChainEvent::Type::hedge_won, a.provider->name, "answered first");
  }
}

void LlmCall::on_token(Attempt &a, std::string_view text) {
  std::lock_guard lock(mutex_);
  if (a.abandoned || finished_ || text.empty()) return;
  a.watchdog.activity();
  if (!a.got_first) on_first_byte(a);
  if (winner_ != &a) return;
  deliver(trimmer_ ? trimmer_->feed(text) : std::string(text));
}

void LlmCall::deliver(std::string text) {
  if (text.empty()) return;
  emitted_ += text;
  listener_.on_token(text);
}

// A tool call counts as output (the first byte, the watchdog's activity) but
// stays with its attempt until that attempt completes the call.
void LlmCall::on_tool_call(Attempt &a, std::uint32_t index, std::string_view id, std::string_view name,
                           std::string_view arguments) {
  std::lock_guard lock(mutex_);
  if (a.abandoned || finished_ || index > 64) return;
  a.watchdog.activity();
  if (!a.got_first) on_first_byte(a);
  if (a.tool_calls.size() <= index) a.tool_calls.resize(index + 1);
  ToolCall &call = a.tool_calls[index];
  if (!id.empty()) call.id = id;
  if (!name.empty()) call.name = name;
  call.arguments += arguments;
}

void LlmCall::on_usage(Attempt &a, std::uint32_t prompt, std::uint32_t completion) {
  std::lock_guard lock(mutex_);
  if (!a.abandoned && !finished_) listener_.on_usage(prompt, completion);
}

void LlmCall::on_attempt_done(Attempt &a, const Outcome &outcome) {
  std::lock_guard lock(mutex_);
  a.ended();
  a.watchdog.stop();
  if (a.abandoned) return;  // already accounted for
  if (finished_) {
    a.release();
    return;
  }
  if (!outcome.ok()) {
    ended_badly(a, outcome);
    return;
  }
  a.succeed((a.got_first ? a.first_at : chain_.context().clock.now()) - a.started);
  if (!a.got_first) {  // an empty answer is still an answer
    winner_ = &a;
    event(ChainEvent::Type::answering, a.provider->name, "empty answer");
  }
  if (trimmer_) deliver(trimmer_->flush());
  answered_by_ = a.provider->name;
  std::vector<ToolCall> calls;
  for (auto &c : a.tool_calls) {
    if (!c.name.empty()) calls.push_back(std::move(c));
  }
  if (!calls.empty()) listener_.on_tool_calls(std::move(calls));
  finish(outcome);
}

// An attempt that will say no more, and did not succeed: a failure counts
// and falls back; a refusal of the request (an unknown model, a context too
// long for this one) falls back uncounted; a cancel ends the call.
void LlmCall::ended_badly(Attempt &a, const Outcome &outcome) {
  switch (outcome.status) {
    case Status::cancelled:
      a.release();
      if (!leaves_call_to_partner(a)) finish(outcome);
      return;
    case Status::invalid_input:
      a.release();
      if (leaves_call_to_partner(a)) return;
      ++refusals_;
      attempt_failed(a, outcome.message);
      return;
    default:
      ++counted_failures_;
      a.fail(outcome.message, false, outcome.retry_after_ms);
      attempt_failed(a, outcome.message);
      return;
  }
}

void LlmCall::on_watchdog(Attempt &a, const std::string &what) {
  std::lock_guard lock(mutex_);
  if (!a.running() || finished_) return;
  ++counted_failures_;
  a.fail(what, true);
  abandon(a);
  attempt_failed(a, what);
}

void LlmCall::on_hedge(Attempt &a) {
  std::lock_guard lock(mutex_);
  if (a.got_first || !a.running() || finished_ || hedged_) return;
  const auto pick = chain_.pick(next_index_, per_call_, nullptr, false, order());
  if (!pick) return;
  hedged_ = true;
  event(ChainEvent::Type::hedge_started, chain_.providers()[pick->index]->name,
        a.provider->name + " has no first byte after " + std::to_string(a.provider->hedge_after_ms) + " ms");
  launch(*pick, true);
}

// One side of a race that refuses the request (or says it was cancelled)
// before it answered leaves the call to the other side, still running.
bool LlmCall::leaves_call_to_partner(Attempt &a) {
  if (winner_ == &a || !others_running(a)) return false;
  a.abandoned = true;
  return true;
}

bool LlmCall::others_running(const Attempt &a) const {
  for (const Attempt *other : attempts_) {
    if (other != &a && other->running()) return true;
  }
  return false;
}

void LlmCall::attempt_failed(Attempt &a, const std::string &reason) {
  a.abandoned = true;
  failures_.push_back({&a.provider->name, nullptr, reason});
  event(ChainEvent::Type::failed, a.provider->name, reason);
  const bool was_winner = winner_ == &a;
  if (was_winner) winner_ = nullptr;
  if (!was_winner && others_running(a)) {
    return;  // the hedge partner carries on
  }
  for (Attempt *other : attempts_) {
    if (other != &a && other->running()) {
      other->release();
      abandon(*other);
    }
  }
  a.provider->stats.fallbacks.fetch_add(1, std::memory_order_relaxed);
  chain_.note_fallback();
  event(ChainEvent::Type::fallback, a.provider->name, emitted_.empty() ? "before any output" : "mid-stream");
  if (!emitted_.empty()) {
    trimmer_ = std::make_unique<OverlapTrimmer>(emitted_);
  }
  try_next();
}

void LlmCall::abandon(Attempt &a) {
  a.abandoned = true;
  a.watchdog.stop();
  if (a.plugin_done) return;
  // Never cancel from inside the provider's own callback: hand it to a worker.
  chain_.context().executor.post([keep = hold(a)] { keep->cancel.cancel(); });
}

// Every way a call ends comes here, and no attempt outlives it: a partner
// still running (a hedge, or the primary it raced) is cancelled, uncounted.
void LlmCall::finish(const Outcome &outcome) {
  if (finished_) return;
  finished_ = true;
  for (Attempt *a : attempts_) {
    if (a->running()) {
      a->release();
      abandon(*a);
    }
    a->watchdog.stop();
  }
  listener_.on_done(outcome);
}

void LlmCall::cancel() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  for (Attempt *a : attempts_) {
    if (a->running()) {
      a->release(true);
      abandon(*a);
    }
  }
  finish({Status::cancelled, "cancelled", 0});
}

const std::vector<std::size_t> *LlmCall::order() const {
  return order_.empty() ? nullptr : &order_;
}

std::string LlmCall::answered_by() const {
  std::lock_guard lock(mutex_);
  return answered_by_;
}

}  // namespace switchboard::resilience
