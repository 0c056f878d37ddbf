// One Poppins turn (a /chat request or a WebSocket message) on the session
// it names, in that session's line: typed or spoken in, the answer's text as
// it is written and its speech sentence by sentence (WAV at the API's rate)
// out. Every route and the socket run their turns through here.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"
#include "switchboard/server/session_turn.hpp"

namespace poppins {

struct TurnInput {
  std::string text;    // a typed message, or
  std::string audio;   // the bytes of an audio message (WAV, WebM/Opus, Ogg, MP3 or raw PCM16)
  bool speak = false;  // typed: speak the answer too (spoken input is always answered aloud)
};

struct TurnOutput {
  std::function<void(const std::string &delta)> text;
  std::function<void(std::string wav)> audio;  // one sentence, a whole WAV file
  std::function<void(const std::string &transcript)> heard;
  // The turn is over: what was answered (assistant_text, user_text, llm_provider, timings ...).
  std::function<void(const nlohmann::json &complete)> done;
  // The HTTP status that says why (400 bad audio, 404 another's session,
  // 422 nothing heard, 500 the providers failed, 409 replaced).
  std::function<void(int status, const std::string &message)> failed;
};

class Chat {
 public:
  Chat(const sb_sessions_ext &sessions, std::uint32_t sample_rate) : sessions_(sessions), rate_(sample_rate) {}

  // Starts the turn when its place in the session's line comes. The function
  // returned stops it (the client went away): no output after it returns.
  std::function<void()> run(const std::string &session_id, const switchboard::server::Identity &who, TurnInput in,
                            TurnOutput out);

  const sb_sessions_ext &sessions() const { return sessions_; }

 private:
  const sb_sessions_ext &sessions_;
  std::uint32_t rate_;
  switchboard::server::TurnLine line_;  // last: its thread stops first
};

}  // namespace poppins
