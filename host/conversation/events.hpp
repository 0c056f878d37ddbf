// What a session tells its transport: every change a client can see, typed,
// each carrying the session's id. A transport maps them to its own wire
// format. Events of one session come one at a time, in order, from the
// session's strand; an observer must not block (it queues to its socket).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "audio/turn_detector.hpp"

namespace switchboard::conversation {

enum class State { idle, listening, thinking, speaking };
const char *to_string(State state) noexcept;

// One turn's times in milliseconds from its start: the end of the user's
// speech for a voice turn, the message's arrival for a text turn. -1: did
// not happen (a text-only turn has no audio).
struct TurnTimings {
  double transcript_ms = -1;   // the final transcript (voice turns)
  double first_token_ms = -1;  // the llm's first text
  double first_audio_ms = -1;  // the first audio chunk
  double total_ms = 0;         // turn complete
  double llm_ms = -1;          // the llm call, start to end
  double tts_ms = -1;          // speech: first sentence in to last audio out
};

namespace event {

struct StateChange {
  State from;
  State to;
};
// The speech decision changed (speech_ended: an utterance just ended).
struct VadStatus {
  bool is_speech;
  bool speech_ended;
};
// The utterance that just ended, scored.
struct AudioMetrics {
  audio::UtteranceMetrics metrics;
};
struct Transcript {
  std::string id;  // of the history entry, once final
  std::string text;
  bool is_final;
  float confidence;
  double timestamp;  // seconds since the epoch
};
// The assistant's answer as it streams.
struct TextChunk {
  std::string turn_id;
  std::string text;
};
// Speech, 16-bit mono at sample_rate; the samples are valid during the call.
struct AudioChunk {
  std::string turn_id;
  std::span<const std::int16_t> samples;
  std::uint32_t sample_rate;
  std::size_t sentence;  // 0-based within the turn
};
struct TurnComplete {
  std::string turn_id;
  std::string user_text;
  std::string assistant_text;  // what was said (up to the interruption, if one came)
  std::string assistant_id;    // its history entry ("" when nothing was said)
  bool interrupted;
  bool with_audio;
  TurnTimings timings;
  std::string llm_provider;  // who answered ("cache" for a cached answer)
  // Tokens the answer took, over every model call of the turn: the
  // providers' counts, or words counted where they report none (estimated).
  std::uint32_t prompt_tokens = 0;
  std::uint32_t completion_tokens = 0;
  bool tokens_estimated = true;
};
// A tool the model called during a turn: "start" when it is called, then
// "end" (with a preview of the result) or "error".
struct ToolUse {
  std::string turn_id;
  std::string tool;
  std::string call_id;
  std::string status;     // start, end, error
  std::string arguments;  // JSON text
  double latency_ms = -1;
  std::string result_preview;
  std::string error_message;
};
// The provider speaking a sentence failed after some of it was sent; the
// rest (`remaining`, from the first word not yet sent) follows from the next
// provider, perhaps in another voice. Nothing sent is sent again.
struct SpeechResumed {
  std::string turn_id;
  std::size_t sentence;  // 0-based within the turn
  std::string remaining;
  std::string failed_provider;
};
// A turn was stopped: by an interrupt message or by the user speaking over it.
struct InterruptAck {
  std::string reason;  // "interrupt" or "barge-in"
};
// The audio a client ended (end_audio) has been heard out: every utterance
// in it has its final transcript, or none had words. Request-shaped APIs
// answer "nothing heard" on it; a streaming client may ignore it.
struct AudioDone {
  bool heard = false;  // some utterance since the last AudioDone had words
};
struct Error {
  std::string code;  // stt_failed, llm_failed, tts_failed, bad_audio, empty_message
  std::string message;
};

}  // namespace event

using EventBody = std::variant<event::StateChange, event::VadStatus, event::AudioMetrics, event::Transcript,
                               event::TextChunk, event::AudioChunk, event::TurnComplete, event::SpeechResumed,
                               event::InterruptAck, event::AudioDone, event::Error, event::ToolUse>;

struct Event {
  std::string_view session_id;
  const EventBody &body;
};

class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  virtual void on_event(const Event &event) = 0;
  // A later attach took the session: no event follows.
  virtual void on_replaced() {}
};

}  // namespace switchboard::conversation
