// WebSocket /ws: one client, one conversation at a time, each its own
// session. start_conversation attaches a new session; audio_chunk streams
// into the audio core as it comes; the engine's partial and final
// transcripts go out as they are heard, and each answer as one ai_response
// (its text and its speech as a WAV file); end_conversation detaches with
// the conversation's numbers. Barge-in is the engine's: an answer it
// interrupts is never sent.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"
#include "switchboard/server/live_session.hpp"
#include "switchboard/server/router.hpp"
#include "switchboard/server/server.hpp"

namespace conversational {

struct SocketSettings {
  std::uint32_t sample_rate = 16000;  // ai_response audio; raw PCM16 input
  std::size_t max_audio_bytes = std::size_t{1} << 20;
};

class ConversationSocket : public std::enable_shared_from_this<ConversationSocket> {
 public:
  // `connection_id`: "conn_N"; `released` runs once, when the socket goes.
  ConversationSocket(const sb_sessions_ext &sessions, SocketSettings settings, std::string connection_id,
                     switchboard::server::Identity who, std::function<void()> released);
  ~ConversationSocket();

  void bind(switchboard::server::SocketHandlers &handlers, switchboard::server::OnOpen &on_open);

 private:
  // The socket's thread, one at a time.
  void opened(std::shared_ptr<switchboard::server::Socket> socket);
  void text(std::string_view message);
  void closed();
  void start();
  void end();
  void audio(std::string_view bytes);
  void send(const nlohmann::json &message);
  void error(const char *code, const std::string &message);

  // The session's (host threads, one at a time).
  void event(const nlohmann::json &e);
  void speech(const std::int16_t *samples, std::size_t count, std::uint32_t rate);

  const sb_sessions_ext &sessions_;
  SocketSettings settings_;
  std::string connection_id_;
  switchboard::server::Identity who_;
  std::function<void()> released_;
  std::shared_ptr<switchboard::server::Socket> socket_;
  std::unique_ptr<switchboard::server::LiveSession> live_;
  int conversations_ = 0;
  std::chrono::steady_clock::time_point started_;
  // The answer being spoken, at the API's rate; what the client was sent.
  std::vector<std::int16_t> answer_;
  std::atomic<int> transcripts_{0}, responses_{0};
};

}  // namespace conversational
