// The tts chain speaks a turn's sentences in order, each on the first
// provider whose breaker admits it (every sentence starts again at the top:
// never sticky). A provider that fails mid-sentence is replaced for that
// sentence, which is synthesised again from its start on the next provider;
// the listener hears `on_sentence_restart` so the output can drop what it
// still holds of the broken attempt. Sentences already done are never sent
// again.
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
  // Audio of `sentence` sent so far came from a provider that failed; the
  // sentence starts over from its first sample.
  virtual void on_sentence_restart(std::size_t /*sentence*/) {}
  virtual void on_event(const ChainEvent & /*event*/) {}
  virtual void on_done(const Outcome &outcome) = 0;
};

class TtsCall;

class TtsChain : public Chain {
 public:
  TtsChain(std::vector<std::shared_ptr<Provider>> providers, ChainContext context)
      : Chain("tts", std::move(providers), std::move(context)) {}

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
  void on_attempt_done(Attempt &a, const Outcome &outcome);
  void on_watchdog(Attempt &a, const std::string &what);
  void failed(Attempt &a, const std::string &reason);
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
  std::size_t current_ = 0;                         // the sentence being spoken
  std::shared_ptr<Attempt> attempt_;                // the one speaking now
  std::vector<std::shared_ptr<Attempt>> attempts_;  // all, alive until the call goes
  std::vector<std::string> failures_;               // of the current sentence
  bool ended_ = false;
  bool finished_ = false;
};

}  // namespace switchboard::resilience
