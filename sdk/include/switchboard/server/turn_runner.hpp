// One turn of an API shaped as request and answer (an HTTP request, or a
// WebSocket message that expects one answer) on the session it names, in
// that session's line (session_turn.hpp): typed or spoken in, the answer's
// text as it is written and its speech sentence by sentence (at the API's
// rate) out.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"
#include "switchboard/server/session_turn.hpp"

namespace switchboard::server {

struct TurnInput {
  std::string text;                 // a typed message, or
  std::string audio;                // the bytes of an audio message (WAV, WebM/Opus, Ogg, MP3 or raw PCM16)
  bool speak = false;               // typed: speak the answer too (spoken input is always answered aloud)
  std::string voice;                // the session's tts voice from this turn on; "": as it was
  std::uint32_t declared_rate = 0;  // raw PCM16's rate; 0: the runner's
  // How the session answers from this turn on (sessions.h `configure`:
  // llm_provider, tools, documents, collections); null: as it was.
  nlohmann::json options = nullptr;
};

struct TurnOutput {
  std::function<void(const std::string &delta)> text;
  std::function<void(std::string wav)> audio;              // one sentence, a whole WAV file, or
  std::function<void(std::vector<std::int16_t>)> samples;  // the same samples, for an API that joins them
  std::function<void(const std::string &transcript)> heard;
  std::function<void(const nlohmann::json &transcript)> transcript;  // the final's event whole (confidence ...)
  std::function<void(const nlohmann::json &tool)> tool;              // a tool the model called (start, end, error)
  // No tts provider could speak (part of) the answer; its text goes on.
  std::function<void(const std::string &message)> unspoken;
  // The turn is over: what was answered (assistant_text, user_text, llm_provider, timings ...).
  std::function<void(const nlohmann::json &complete)> done;
  // The HTTP status that says why (400 bad audio or options, 404 another's session,
  // 422 nothing heard, 500 the providers failed, 409 replaced).
  std::function<void(int status, const std::string &message)> failed;
};

class TurnRunner {
 public:
  TurnRunner(const sb_sessions_ext &sessions, std::uint32_t sample_rate) : sessions_(sessions), rate_(sample_rate) {}

  // Starts the turn when its place in the session's line comes. The function
  // returned stops listening (the client went away): no output after it
  // returns; the session's answer goes on. `interrupt`, when given, is set
  // to one that also stops the answer itself (the client said stop).
  std::function<void()> run(const std::string &session_id, const Identity &who, TurnInput in, TurnOutput out,
                            std::function<void()> *interrupt = nullptr);

  const sb_sessions_ext &sessions() const { return sessions_; }

 private:
  const sb_sessions_ext &sessions_;
  std::uint32_t rate_;
  TurnLine line_;  // last: its thread stops first
};

// The turns one client (a socket) started and has not seen end: when it
// leaves, every one of them stops.
class ClientTurns {
 public:
  ~ClientTurns() { stop_all(); }
  // Runs the turn through `runner`; once the client has left, it is
  // stopped at once.
  void run(TurnRunner &runner, const std::string &session_id, const Identity &who, TurnInput in, TurnOutput out);
  // Stops every turn still running (not under the caller's locks: a
  // turn's output may be running). Idempotent.
  void stop_all();
  // Stops the turns running now, their answers too; later ones run (a
  // client's "stop").
  void stop_running() { stop(true); }

 private:
  struct Started {
    std::shared_ptr<std::atomic<bool>> over;
    std::function<void()> stop, interrupt;
  };
  void stop(bool answers_too);
  std::mutex mutex_;
  std::vector<Started> started_;
  bool closed_ = false;
};

}  // namespace switchboard::server
