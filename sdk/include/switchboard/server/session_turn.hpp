// One turn of a conversation for APIs shaped as request and answer (an HTTP
// request, or a WebSocket message that expects one answer), over the host's
// sessions extension: attached to the session only for the turn, so the
// session is the one every other API sees. Turns of one session take their
// places in line (TurnLine); each reports what the session said until it is
// over.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"

namespace switchboard::server {

// A session id a client may name: 1 to 128 of A-Z a-z 0-9 - . _ ~.
bool valid_session_id(const std::string &id);

// Who may see a session: its owner, or an admin (everyone when auth is off).
bool may_see(const Identity &who, const std::string &owner);

// Called from host threads, one at a time, in order. After `done` or
// `failed` (exactly one of them, last) nothing more is called.
struct TurnHandlers {
  std::function<void(const std::string &text)> heard;  // the user's final words, when audio came
  // The same final transcript event whole (confidence, timestamp ...).
  std::function<void(const nlohmann::json &transcript)> transcript;
  std::function<void(const std::string &delta)> text;  // the answer as it is written
  // A tool the model called: {"type":"tool","tool","call_id","status","args",...} (sessions.h)
  std::function<void(const nlohmann::json &tool)> tool;
  std::function<void(const std::int16_t *samples, std::size_t count, std::uint32_t rate)> audio;  // spoken
  // Every tts provider failed (part of) the answer: the text goes on, unspoken.
  std::function<void(const std::string &message)> unspoken;
  std::function<void(const nlohmann::json &turn_complete)> done;
  // code: the session's error code ("llm_failed", "bad_audio", ...),
  // "nothing_heard" when the audio held no words, "replaced" when another
  // client took the session.
  std::function<void(const std::string &code, const std::string &message)> failed;
};

class SessionTurn : public std::enable_shared_from_this<SessionTurn> {
 public:
  // Attaches to `session_id` as `who` ("" makes a new session). Null, with
  // `error`, when refused: "owned" when the session is another subject's.
  static std::shared_ptr<SessionTurn> open(const sb_sessions_ext &sessions, const std::string &session_id,
                                           const Identity &who, TurnHandlers handlers, std::string &error);
  ~SessionTurn();
  SessionTurn(const SessionTurn &) = delete;
  SessionTurn &operator=(const SessionTurn &) = delete;

  const std::string &session_id() const noexcept { return session_id_; }

  // The session's tts voice from this turn on (a host of ABI 1.4 or later;
  // before it, the configured voice speaks).
  void set_voice(const std::string &voice);
  // How this turn is answered (sessions.h `configure`: llm_provider, tools,
  // documents, collections). False with `error` when refused.
  bool configure(const nlohmann::json &options, std::string &error);
  // A typed message; `speak`: the answer is spoken too.
  void say(const std::string &text, bool speak);
  // An audio message (WAV, Ogg, MP3, WebM/Opus or raw PCM16 at
  // `declared_rate`), then the end of it. False with `error` when the audio
  // cannot be decoded (the turn is then still open: cancel it).
  bool hear(std::string_view bytes, std::uint32_t declared_rate, std::string &error);
  // Stops the session's answer (the session acknowledges; cancel() next to
  // hear nothing of it).
  void interrupt();
  // Stops listening: no handler runs after this returns (from any thread,
  // a handler's included). Idempotent; the session itself goes on.
  void cancel();

 private:
  SessionTurn(const sb_sessions_ext &sessions, TurnHandlers handlers);
  static void on_event(void *user, const char *json, std::size_t size);
  static void on_audio(void *user, const std::int16_t *samples, std::size_t count, std::uint32_t rate);
  static void on_replaced(void *user);
  void event(const nlohmann::json &e);
  // The last handler has run: detach (inside a callback, as the extension allows).
  void finish();

  const sb_sessions_ext &sessions_;
  TurnHandlers handlers_;
  sb_session_events events_{};
  std::string session_id_;
  std::mutex mutex_;  // guards attachment_ against cancel() racing finish()
  void *attachment_ = nullptr;
  bool listening_for_audio_ = false;  // hear() was called
  bool heard_words_ = false;
  bool thinking_ = false;
  bool over_ = false;  // host threads only
};

// Turns of one session, one after another, in the order they came: a
// second request for a session waits for the first's answer instead of
// taking the session from it. Jobs start on the line's own thread (never
// inside a session's callback, where attaching again is not allowed).
class TurnLine {
 public:
  TurnLine();
  ~TurnLine();  // jobs not yet started are dropped
  TurnLine(const TurnLine &) = delete;
  TurnLine &operator=(const TurnLine &) = delete;

  // `job` runs when the turns before it in `session_id`'s line are over; it
  // must not block, and calls the function it is given (once, from any
  // thread) when its own turn is over.
  void run(const std::string &session_id, std::function<void(std::function<void()> over)> job);

 private:
  using Job = std::function<void(std::function<void()>)>;
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::deque<Job>> lines_;  // the first of each is running or ready
  std::deque<std::string> ready_;                 // lines whose first job may start
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace switchboard::server
