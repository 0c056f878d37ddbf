// The soak's clients: N users of the native API at once, each holding
// conversation after conversation (a new session each, streaming a
// recording and its silence in real time a few times over) until told to
// stop, and keeping count of how each turn ended.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace soak {

// How one session's turns went. A turn starts with the user's final
// transcript and ends with the assistant's answer (its final transcript),
// or with an llm_failed error when no answer could be made at all; a turn
// the user spoke over ends with an interrupt_ack instead.
struct Tally {
  long user_finals = 0;
  long answers = 0;
  long llm_failed = 0;
  long stt_failed = 0;
  long tts_failed = 0;
  long interrupted = 0;
  long other_errors = 0;  // bad input, rate limits: none are expected
  long frames_sent = 0;
  bool connected = false;
  bool dropped = false;  // the server ended the socket before the client did

  // Turns that had their user's words but neither an answer, an error nor
  // an interruption; the last turn of a session may be cut by the run's end.
  long unended() const { return user_finals - answers - llm_failed - interrupted; }
  Tally &operator+=(const Tally &o);
};

struct Options {
  int port = 0;
  int sessions = 200;
  std::string pcm;  // 16 kHz mono s16: speech then silence, looped
  int loops_per_conversation = 6;
  int threads = 1;
};

// Runs the users until `stop` is set (each then finishes the frame it is
// on, waits briefly for its last answer and closes); the totals, and how
// many users met each problem.
struct Result {
  Tally total;
  long conversations = 0;
  int connected = 0;           // users whose every conversation connected
  int dropped = 0;             // users whose socket the server ended
  int with_unended_turns = 0;  // more than the last turn left open
};

Result run_sessions(const Options &options, const std::atomic<bool> &stop);

}  // namespace soak
