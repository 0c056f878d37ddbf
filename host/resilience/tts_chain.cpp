#include "resilience/tts_chain.hpp"

#include "resilience/attempt.hpp"

#include <algorithm>
#include <cctype>

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
  void on_word(std::size_t text_offset, std::uint64_t sample) override { call->on_word(*this, text_offset, sample); }
  void on_done(const Outcome &outcome) override {
    auto keep = call;
    keep->on_attempt_done(*this, outcome);
    call.reset();
  }
  void on_watchdog(Watchdog::Kind kind, int ms) override {
    // Reported only while pinned, so the call is alive.
    auto *owner = static_cast<TtsCall *>(pinned_call());
    if (kind == Watchdog::Kind::budget) {
      owner->on_budget(*this);
    } else {
      owner->on_watchdog(*this, Watchdog::describe(kind, ms));
    }
  }

  std::shared_ptr<TtsCall> call;  // while the provider holds this handler
  std::size_t index;              // in the chain
  std::size_t sentence;           // in the turn
  std::size_t base = 0;           // where its text starts in the sentence
  bool got_first = false;
  core::TimePoint first_at{};
  std::uint32_t rate = 0;
  std::uint64_t received = 0;  // samples from the provider
  std::uint64_t passed = 0;    // of them, passed on to the listener
  // Word starts (byte in the sentence, sample in this attempt), in order;
  // with any, audio past the last word start reached is held back.
  std::vector<std::pair<std::size_t, std::uint64_t>> words;
  std::vector<std::int16_t> held;
};

namespace {

constexpr double kDefaultSecondsPerByte = 1.0 / 14;  // about 165 words a minute

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// Whether any of text[from..] is worth speaking (not only spaces and punctuation).
bool has_words(const std::string &text, std::size_t from) {
  for (std::size_t i = from; i < text.size(); ++i) {
    if (std::isalnum(static_cast<unsigned char>(text[i])) || static_cast<unsigned char>(text[i]) >= 0x80) return true;
  }
  return false;
}

}  // namespace

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
    resume_at_ = 0;
    refusals_ = 0;
    counted_failures_ = 0;
    deadline_ = chain_.deadline_from_now();  // each sentence has the chain's call_ms
    launch(0);
  } else if (ended_) {
    finish({});
  }
}

std::string TtsCall::failure_list() const {
  return describe(failures_);
}

void TtsCall::launch(std::size_t from) {
  if (deadline_ != core::TimePoint::max() && chain_.context().clock.now() >= deadline_) {
    budget_spent();
    return;
  }
  const auto pick = chain_.pick(from, per_call_, &failures_);
  if (!pick) {
    const std::string why = failure_list();
    event(ChainEvent::Type::exhausted, "", why.empty() ? "no provider available" : why);
    const Status status = refusals_ > 0 && counted_failures_ == 0 ? Status::invalid_input : Status::retryable;
    finish({status, "all tts providers failed" + (why.empty() ? std::string(": none available") : ": " + why), 0});
    return;
  }
  auto provider = chain_.providers()[pick->index];
  auto a = std::make_shared<Attempt>(shared_from_this(), provider, pick->permit, pick->index, current_);
  a->base = resume_at_;
  attempt_ = a;
  attempts_.push_back(a);
  a->started = chain_.context().clock.now();
  provider->stats.calls.fetch_add(1, std::memory_order_relaxed);
  event(ChainEvent::Type::selected, provider->name,
        "sentence " + std::to_string(current_ + 1) +
            (resume_at_ > 0      ? " from byte " + std::to_string(resume_at_)
             : failures_.empty() ? ""
                                 : " (fallback)"));
  a->watchdog.start(
      *a, {provider->timeouts.first_byte_ms, provider->timeouts.idle_ms, provider->timeouts.total_ms, 0, deadline_});
  const std::string &sentence = sentences_[current_];
  const Outcome started = provider->tts->start(resume_at_ == 0 ? sentence : sentence.substr(resume_at_),
                                               provider->voice_for(voice_), *a, a->cancel);
  if (!started.ok() && !a->plugin_done) {
    a->ended();
    a->call.reset();
    a->watchdog.stop();
    ended_badly(*a, started);
  }
}

// A failure counts and falls back; a refusal (an unknown voice, text this
// provider cannot speak) falls back uncounted; a cancel ends the call.
void TtsCall::ended_badly(Attempt &a, const Outcome &outcome) {
  switch (outcome.status) {
    case Status::cancelled:
      a.release();
      finish(outcome);
      return;
    case Status::invalid_input:
      a.release();
      ++refusals_;
      failed(a, outcome.message);
      return;
    default:
      ++counted_failures_;
      a.fail(outcome.message, false, outcome.retry_after_ms);
      failed(a, outcome.message);
      return;
  }
}

void TtsCall::on_budget(Attempt &a) {
  std::lock_guard lock(mutex_);
  if (!a.running() || finished_) return;
  a.release();
  abandon(attempt_);
  budget_spent();
}

void TtsCall::budget_spent() {
  if (finished_) return;
  const std::string why = failure_list();
  event(ChainEvent::Type::exhausted, "", "call budget spent" + (why.empty() ? "" : ": " + why));
  finish({Status::retryable,
          "sentence " + std::to_string(current_ + 1) + " not spoken within the tts call budget of " +
              std::to_string(chain_.settings().call_ms) + " ms" + (why.empty() ? "" : ": " + why),
          0});
}

void TtsCall::on_audio(Attempt &a, const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  std::lock_guard lock(mutex_);
  if (a.abandoned || finished_ || count == 0) return;
  a.watchdog.activity();
  if (!a.got_first) {
    a.got_first = true;
    a.first_at = chain_.context().clock.now();
    a.provider->stats.record_first_byte(a.first_at - a.started);
    a.watchdog.first_byte();
    event(ChainEvent::Type::answering, a.provider->name, "sentence " + std::to_string(a.sentence + 1));
  }
  a.rate = rate;
  a.received += count;
  if (a.words.empty()) {
    // No word timings (yet): nothing to wait for.
    a.passed += count;
    listener_.on_audio(a.sentence, samples, count, rate);
    return;
  }
  a.held.insert(a.held.end(), samples, samples + count);
  pass_on(a);
}

void TtsCall::on_word(Attempt &a, std::size_t text_offset, std::uint64_t sample) {
  std::lock_guard lock(mutex_);
  if (a.abandoned || finished_) return;
  if (!a.words.empty() && sample < a.words.back().second) return;  // out of order: ignored
  a.words.emplace_back(a.base + text_offset, sample);
  pass_on(a);
}

// Passes on the held audio of every word that is complete: up to the last
// word start the audio has reached.
void TtsCall::pass_on(Attempt &a) {
  std::uint64_t limit = a.passed;
  for (auto it = a.words.rbegin(); it != a.words.rend(); ++it) {
    if (it->second <= a.received) {
      limit = std::max(limit, it->second);
      break;
    }
  }
  if (limit <= a.passed || a.held.empty()) return;
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(limit - a.passed, a.held.size()));
  listener_.on_audio(a.sentence, a.held.data(), n, a.rate);
  a.held.erase(a.held.begin(), a.held.begin() + static_cast<long>(n));
  a.passed += n;
}

// The byte of the sentence where the next provider starts after `a` failed:
// the first word the user has not heard all of.
std::size_t TtsCall::resume_point(const Attempt &a) const {
  if (a.passed == 0) return a.base;
  if (!a.words.empty()) {
    // Audio went out a whole word at a time: the word at `passed` (or the
    // one in progress there, if audio went out before the first timing).
    std::size_t at = a.base;
    for (const auto &[offset, sample] : a.words) {
      if (sample > a.passed) break;
      at = offset;
    }
    return at;
  }
  // No timings: estimate the bytes heard from the speaking rate so far.
  const double seconds_per_byte =
      spoken_bytes_ > 0 ? spoken_seconds_ / static_cast<double>(spoken_bytes_) : kDefaultSecondsPerByte;
  const double heard = static_cast<double>(a.passed) / std::max<std::uint32_t>(a.rate, 1);
  const std::string &text = sentences_[a.sentence];
  const std::size_t pos =
      std::min(text.size(), a.base + static_cast<std::size_t>(heard / std::max(seconds_per_byte, 1e-6)));
  // Inside a word: that word again, from its start. Between words: the next.
  if (pos < text.size() && !is_space(text[pos])) {
    std::size_t start = pos;
    while (start > a.base && !is_space(text[start - 1])) --start;
    return start;
  }
  std::size_t next = pos;
  while (next < text.size() && is_space(text[next])) ++next;
  return next;
}

void TtsCall::on_attempt_done(Attempt &a, const Outcome &outcome) {
  std::lock_guard lock(mutex_);
  a.ended();
  a.watchdog.stop();
  if (a.abandoned) return;
  if (finished_) {
    a.release();
    return;
  }
  if (!outcome.ok()) {
    ended_badly(a, outcome);
    return;
  }
  a.succeed((a.got_first ? a.first_at : chain_.context().clock.now()) - a.started);
  a.words.emplace_back(sentences_[a.sentence].size(), a.received);  // the end: everything is complete
  pass_on(a);
  if (a.base == 0 && a.rate > 0) {
    spoken_seconds_ += static_cast<double>(a.received) / a.rate;
    spoken_bytes_ += sentences_[a.sentence].size();
  }
  attempt_.reset();
  listener_.on_sentence_done(a.sentence);
  ++current_;
  speak_next();
}

void TtsCall::on_watchdog(Attempt &a, const std::string &what) {
  std::lock_guard lock(mutex_);
  if (!a.running() || finished_) return;
  ++counted_failures_;
  a.fail(what, true);
  abandon(attempt_);
  failed(a, what);
}

void TtsCall::failed(Attempt &a, const std::string &reason) {
  a.abandoned = true;
  failures_.push_back({&a.provider->name, nullptr, reason});
  event(ChainEvent::Type::failed, a.provider->name, reason);
  a.provider->stats.fallbacks.fetch_add(1, std::memory_order_relaxed);
  chain_.note_fallback();
  attempt_.reset();
  const std::string &text = sentences_[a.sentence];
  resume_at_ = resume_point(a);
  if (a.passed == 0) {
    event(ChainEvent::Type::fallback, a.provider->name,
          "sentence " + std::to_string(a.sentence + 1) + " before any audio");
  } else {
    event(ChainEvent::Type::fallback, a.provider->name,
          "sentence " + std::to_string(a.sentence + 1) + " resumes at byte " + std::to_string(resume_at_));
    listener_.on_sentence_resumed(a.sentence, resume_at_, a.provider->name);
  }
  if (!has_words(text, resume_at_)) {
    // Every word was heard before it failed: the sentence is done.
    listener_.on_sentence_done(a.sentence);
    ++current_;
    speak_next();
    return;
  }
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
