// The chains' listeners of one session: each forwards what its call reports
// onto the session's strand, tagged with the utterance or turn it belongs
// to, so the session handles it in order and without a lock, and ignores
// what belongs to a turn it has already left. A link keeps itself alive
// until its call's on_done, the last thing a call says.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/strand.hpp"
#include "resilience/llm_chain.hpp"
#include "resilience/stt_chain.hpp"
#include "resilience/tts_chain.hpp"

namespace switchboard::conversation {

using sdk::Outcome;

// What the links call, on the session's strand.
class LinkTarget {
 public:
  virtual ~LinkTarget() = default;
  virtual void stt_partial(std::uint64_t utterance, const std::string &text) = 0;
  virtual void stt_final(std::uint64_t utterance, const std::string &text, float confidence) = 0;
  // The finals so far came from a provider that failed: the next one
  // transcribes the whole utterance again, and its finals replace them.
  virtual void stt_replay(std::uint64_t utterance) = 0;
  virtual void stt_done(std::uint64_t utterance, const Outcome &outcome) = 0;
  virtual void llm_token(std::uint64_t turn, const std::string &text) = 0;
  virtual void llm_usage(std::uint64_t turn, std::uint32_t prompt, std::uint32_t completion) = 0;
  virtual void llm_done(std::uint64_t turn, const Outcome &outcome, const std::string &provider) = 0;
  virtual void llm_tool_calls(std::uint64_t /*turn*/, const std::vector<resilience::ToolCall> & /*calls*/) {}
  virtual void tts_audio(std::uint64_t turn, std::size_t sentence, const std::vector<std::int16_t> &samples,
                         std::uint32_t rate) = 0;
  virtual void tts_resumed(std::uint64_t turn, std::size_t sentence, std::size_t resumed_at,
                           const std::string &failed_provider) = 0;
  virtual void tts_sentence_done(std::uint64_t turn, std::size_t sentence, const std::string &provider) = 0;
  virtual void tts_done(std::uint64_t turn, const Outcome &outcome) = 0;
};

class Link {
 public:
  Link(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag)
      : target_(std::move(target)), strand_(std::move(strand)), tag_(tag) {}

 protected:
  // Runs fn(target, tag) on the strand if the target is still there.
  template <class Fn>
  void forward(Fn fn) {
    strand_->post([target = target_, tag = tag_, fn = std::move(fn)]() mutable {
      if (auto t = target.lock()) fn(*t, tag);
    });
  }

  std::weak_ptr<LinkTarget> target_;
  std::shared_ptr<core::Strand> strand_;
  std::uint64_t tag_;
};

class SttLink : public resilience::SttListener, Link {
 public:
  using Link::Link;
  static SttLink &make(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag);

  void on_partial(std::string_view text) override;
  void on_final(std::string_view text, float confidence, std::string_view language) override;
  void on_replay() override;
  void on_done(const Outcome &outcome) override;

 private:
  std::shared_ptr<SttLink> self_;
};

class LlmLink : public resilience::LlmListener, Link {
 public:
  using Link::Link;
  static LlmLink &make(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag);

  void on_token(std::string_view text) override;
  void on_usage(std::uint32_t prompt, std::uint32_t completion) override;
  void on_event(const resilience::ChainEvent &event) override;
  void on_tool_calls(std::vector<resilience::ToolCall> calls) override;
  void on_done(const Outcome &outcome) override;

 private:
  std::shared_ptr<LlmLink> self_;
  std::string provider_;  // the one answering now
};

class TtsLink : public resilience::TtsListener, Link {
 public:
  using Link::Link;
  static TtsLink &make(std::weak_ptr<LinkTarget> target, std::shared_ptr<core::Strand> strand, std::uint64_t tag);

  void on_audio(std::size_t sentence, const std::int16_t *samples, std::size_t count, std::uint32_t rate) override;
  void on_sentence_done(std::size_t sentence) override;
  void on_sentence_resumed(std::size_t sentence, std::size_t resumed_at, const std::string &failed_provider) override;
  void on_event(const resilience::ChainEvent &event) override;
  void on_done(const Outcome &outcome) override;

 private:
  std::shared_ptr<TtsLink> self_;
  std::string provider_;
};

}  // namespace switchboard::conversation
