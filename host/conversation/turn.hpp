// One turn of a session: the user's message, the answer as it streams, and
// the sentences of that answer with their speech, kept in order (a sentence
// from the cache waits for the synthesised ones before it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conversation/events.hpp"
#include "conversation/sentence_segmenter.hpp"
#include "core/clock.hpp"
#include "plugin/instance.hpp"
#include "resilience/chains.hpp"

namespace switchboard::conversation {

struct SpokenSentence {
  std::string text;
  bool from_cache = false;
  bool done = false;
  bool resumed = false;  // spoken by more than one provider: not cached
  std::uint32_t rate = 0;
  // Cached speech, or the synthesised speech so far (stored in the cache when done).
  std::vector<std::int16_t> audio;
  std::size_t emitted = 0;  // samples of cached speech already sent
};

// How a session's turns are answered (the client's choice, kept by the
// session; see Session::configure).
struct AnswerOptions {
  std::string llm_provider;  // asked first; "": the chain's order
  bool tools = false;
  bool documents = false;
  std::vector<std::string> collections;  // empty: all
};

// A tool call of the turn's current round, and its result once it is in.
struct PendingTool {
  resilience::ToolCall call;
  core::TimePoint started{};
  bool done = false;
  std::string result;
};

struct Turn {
  std::uint64_t number = 0;
  std::string id;
  std::string user_text;
  std::string user_id;  // its history entry
  bool with_audio = false;
  core::TimePoint started{};

  std::shared_ptr<resilience::Chains> chains;  // as they were when the turn began
  std::shared_ptr<plugin::Instance> cache;     // null: no cache
  std::shared_ptr<resilience::LlmCall> llm;
  std::shared_ptr<resilience::TtsCall> tts;
  std::string voice;

  SentenceSegmenter segmenter;
  std::string answer;  // the text sent to the client so far
  std::string llm_provider;
  AnswerOptions options;
  resilience::LlmChainRequest request;  // as sent, grown by each round of tool calls
  int rounds = 0;                       // model calls that ended in tool calls
  std::size_t round_text_from = 0;      // where this round's text starts in `answer`
  std::vector<PendingTool> tools;       // the current round's calls
  std::uint32_t prompt_tokens = 0;
  std::uint32_t completion_tokens = 0;
  bool usage_reported = false;
  std::vector<SpokenSentence> sentences;
  std::vector<std::size_t> tts_sentence;  // the tts call's k-th sentence is sentences[tts_sentence[k]]
  std::size_t head = 0;                   // the first sentence not yet fully out
  bool llm_done = false;
  bool tts_done = true;  // no tts call in flight
  bool failed = false;   // an error was reported for this turn

  double audio_seconds = 0;  // speech sent
  core::TimePoint first_audio_at{};
  core::TimePoint llm_started{};
  core::TimePoint tts_started{};
  TurnTimings timings;
};

}  // namespace switchboard::conversation
