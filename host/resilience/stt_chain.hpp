// The stt chain streams one utterance to the first provider whose breaker
// admits it and keeps the utterance's audio from its first sample. If that
// provider fails (an error, a final that does not come within first_byte_ms
// of finish(), or total_ms), the next provider's stream gets the whole
// utterance replayed and then the live audio, so no word is lost. feed() is
// the audio thread's: no allocation, no lock; the switch happens on a worker.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugin/stt_client.hpp"
#include "resilience/chain.hpp"

namespace switchboard::resilience {

class SttListener {
 public:
  virtual ~SttListener() = default;
  virtual void on_partial(std::string_view text) = 0;
  virtual void on_final(std::string_view text, float confidence, std::string_view language) = 0;
  // Results so far came from a provider that failed: the utterance is being
  // transcribed again from its start, and what follows supersedes them.
  virtual void on_replay() {}
  virtual void on_event(const ChainEvent & /*event*/) {}
  virtual void on_done(const Outcome &outcome) = 0;
};

class SttCall;

class SttChain : public Chain {
 public:
  SttChain(std::vector<std::shared_ptr<Provider>> providers, ChainContext context, config::ChainSettings settings = {})
      : Chain("stt", std::move(providers), std::move(context), settings) {}

  // Opens a stream for one utterance of at most max_samples (16 kHz mono);
  // the buffer for replay is allocated here, not per frame.
  std::shared_ptr<SttCall> start(SttListener &listener, std::size_t max_samples);
};

class SttCall : public std::enable_shared_from_this<SttCall> {
 public:
  SttCall(SttChain &chain, SttListener &listener, std::size_t max_samples);
  ~SttCall();

  // [audio-thread] Appends audio; no allocation, no lock. Audio past
  // max_samples is dropped (and counted).
  void feed(const std::int16_t *samples, std::size_t count) noexcept;
  // No more audio. Takes a lock: once per utterance, not per frame.
  void finish();
  void cancel();

  std::size_t dropped_samples() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  friend class SttChain;
  class Attempt;

  void open_next(std::size_t from);
  void on_result_failure(Attempt &a, const std::string &reason);
  void on_attempt_done(Attempt &a, const Outcome &outcome);
  void arm_final_watchdog(const std::shared_ptr<Attempt> &a);
  void on_watchdog(Attempt &a, const std::string &what);
  void on_budget(Attempt &a);
  void budget_spent();
  bool is_active(const Attempt &a) const;
  void abandon(const std::shared_ptr<Attempt> &a);
  void finish_call(const Outcome &outcome);
  void event(ChainEvent::Type type, const std::string &provider, std::string detail);

  SttChain &chain_;
  std::shared_ptr<Chain> chain_keep_;  // the chain outlives its calls, even across a reload
  SttListener &listener_;
  ChainEventSink per_call_;

  // Written by the audio thread only; read by the switching worker. Room
  // for the longest utterance, left uninitialised: only what speech fills
  // is touched (and so resident), and starting an utterance zeroes nothing.
  std::unique_ptr<std::int16_t[]> audio_;
  std::size_t capacity_;
  std::atomic<std::size_t> size_{0};
  std::atomic<std::size_t> dropped_{0};
  std::atomic<Attempt *> active_{nullptr};

  mutable std::recursive_mutex mutex_;
  std::vector<std::shared_ptr<Attempt>> attempts_;
  CallNotes failures_;
  bool finish_requested_ = false;
  bool finished_ = false;
  int refusals_ = 0;                                   // providers that refused the audio (invalid_input)
  int counted_failures_ = 0;                           // and that failed it
  core::TimePoint deadline_ = core::TimePoint::max();  // call_ms from the end of the utterance
};

}  // namespace switchboard::resilience
