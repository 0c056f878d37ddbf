// The tts chain speaks a turn's sentences in order, each on the first
// provider whose breaker admits it (every sentence starts again at the top:
// never sticky). A provider that fails mid-sentence is replaced for the rest
// of that sentence: the next provider starts at the first word the user has
// not heard. Where the provider reports word timings, audio is passed on a
// whole word at a time (the word in progress is held back until the next one
// begins), so what was heard ends on a word boundary; where it does not, the
// words heard are estimated from the audio passed on and the speaking rate
// of the sentences before. The listener hears `on_sentence_resumed`.
// Sentences already done are never sent again.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugin/tts_client.hpp"
#include "resilience/chain.hpp"

namespace switchboard::resilience {

class TtsListener {
 public:
  virtual ~TtsListener() = default;
  virtual void on_audio(std::size_t sentence, const std::int16_t *samples, std::size_t count,
                        std::uint32_t sample_rate) = 0;
  virtual void on_sentence_done(std::size_t /*sentence*/) {}
  // The provider speaking `sentence` failed after some of it was heard (the
  // audio already passed on stays valid); the rest, from byte `resumed_at`
  // of the sentence, comes from the next provider.
  virtual void on_sentence_resumed(std::size_t /*sentence*/, std::size_t /*resumed_at*/,
                                   const std::string & /*failed_provider*/) {}
  virtual void on_event(const ChainEvent & /*event*/) {}
  virtual void on_done(const Outcome &outcome) = 0;
};

class TtsCall;

class TtsChain : public Chain {
 public:
  TtsChain(std::vector<std::shared_ptr<Provider>> providers, ChainContext context, config::ChainSettings settings = {})
      : Chain("tts", std::move(providers), std::move(context), settings) {}

  // Sentences are added with TtsCall::add; the listener must outlive the call.
  std::shared_ptr<TtsCall> start(TtsListener &listener, std::string voice = {});
};

class TtsCall : public std::enable_shared_from_this<TtsCall> {
 public:
  TtsCall(TtsChain &chain, TtsListener &listener, std::string voice);

  // Queues the next sentence.
  void add(std::string sentence);
  // No more sentences: on_done follows the last one.
  void end();
  void cancel();

 private:
  class Attempt;

  void speak_next();
  void launch(std::size_t from);
  void on_audio(Attempt &a, const std::int16_t *samples, std::size_t count, std::uint32_t rate);
  void on_word(Attempt &a, std::size_t text_offset, std::uint64_t sample);
  void pass_on(Attempt &a);
  std::size_t resume_point(const Attempt &a) const;
  void on_attempt_done(Attempt &a, const Outcome &outcome);
  void on_watchdog(Attempt &a, const std::string &what);
  void failed(Attempt &a, const std::string &reason);
  void ended_badly(Attempt &a, const Outcome &outcome);
  void on_budget(Attempt &a);
  void budget_spent();
  std::string failure_list() const;
  void abandon(const std::shared_ptr<Attempt> &a);
  void finish(const Outcome &outcome);
  void event(ChainEvent::Type type, const std::string &provider, std::string detail);

  TtsChain &chain_;
  std::shared_ptr<Chain> chain_keep_;  // the chain outlives its calls, even across a reload
  TtsListener &listener_;
  std::string voice_;
  ChainEventSink per_call_;

  mutable std::recursive_mutex mutex_;
  std::vector<std::string> sentences_;
  std::size_t current_ = 0;    // the sentence being spoken
  std::size_t resume_at_ = 0;  // byte of it the next attempt starts at
  // Speaking rate of the sentences done so far, for estimating what was heard.
  double spoken_seconds_ = 0;
  std::size_t spoken_bytes_ = 0;
  std::shared_ptr<Attempt> attempt_;                   // the one speaking now
  std::vector<std::shared_ptr<Attempt>> attempts_;     // all, alive until the call goes
  CallNotes failures_;                                 // of the current sentence
  int refusals_ = 0;                                   // of it: providers that refused it (invalid_input)
  int counted_failures_ = 0;                           // and that failed it
  core::TimePoint deadline_ = core::TimePoint::max();  // its call_ms
  bool ended_ = false;
  bool finished_ = false;
};

}  // namespace switchboard::resilience
