// A client attached to a session for as long as it is connected: a
// WebSocket that streams audio in and hears everything the session says
// (partial transcripts, turns, speech, barge-in) as it happens. The
// conversation engine decides the turns; the transport only writes its
// API's messages. For APIs shaped as request and answer, see
// session_turn.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"

namespace switchboard::server {

// Called from host threads, one at a time, in the session's order; they
// must not block (queue to the socket).
struct LiveHandlers {
  // One session event (sessions.h lists them), parsed.
  std::function<void(const nlohmann::json &event)> event;
  // Speech, sentence by sentence: mono samples at the provider's rate.
  std::function<void(const std::int16_t *samples, std::size_t count, std::uint32_t rate)> audio;
  // A later client took the session: nothing more comes.
  std::function<void()> replaced;
};

class LiveSession {
 public:
  // Attaches to `session_id` as `who` ("" makes a new session). Null, with
  // `error`, when refused: "owned" when the session is another subject's.
  // Handlers may run before this returns (the current state comes first).
  static std::unique_ptr<LiveSession> open(const sb_sessions_ext &sessions, const std::string &session_id,
                                           const Identity &who, LiveHandlers handlers, std::string &error);
  ~LiveSession();  // close()
  LiveSession(const LiveSession &) = delete;
  LiveSession &operator=(const LiveSession &) = delete;

  const std::string &session_id() const noexcept { return session_id_; }

  // One audio message (WAV, Ogg, MP3, WebM/Opus chunks, or raw PCM16 at
  // `declared_rate`), into the audio core now. False with `error` when it
  // cannot be decoded; the session goes on. One caller at a time.
  bool push(std::string_view bytes, std::uint32_t declared_rate, std::string &error);
  // The audio stream is over: an utterance in progress ends.
  void end_audio();
  // A typed message; `speak`: the answer is spoken too.
  void say(const std::string &text, bool speak);
  // The tts voice from the next turn on ("": the configured one); nothing
  // on a host older than ABI 1.4.
  void set_voice(const std::string &voice);
  // Stops the turn (the session acknowledges with interrupt_ack).
  void interrupt();
  // Audio the session's audio path could not keep up with and dropped.
  std::uint64_t dropped_samples();
  // Ends the audio and detaches: no handler runs after this returns, unless
  // it is called from a handler (then that one finishes). Idempotent.
  void close();

 private:
  explicit LiveSession(const sb_sessions_ext &sessions, LiveHandlers handlers);
  static void on_event(void *user, const char *json, std::size_t size);
  static void on_audio(void *user, const std::int16_t *samples, std::size_t count, std::uint32_t rate);
  static void on_replaced(void *user);

  const sb_sessions_ext &sessions_;
  LiveHandlers handlers_;
  sb_session_events events_{};
  std::string session_id_;
  std::mutex mutex_;  // guards attachment_: close() may race a push from another thread
  void *attachment_ = nullptr;
};

}  // namespace switchboard::server
