// WebSocket /ws/{session_id}: the welcome; audio (base64 WAV, WebM or MP3,
// with a voice), text (with a voice), status and auth in; status updates,
// audio_response (the answer's text and its speech as one WAV file at the
// API's rate), text_response (when no tts provider could speak),
// status_response, error and warning out. Each audio or text message is one
// turn of the session, in the session's line.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "switchboard/server/auth.hpp"
#include "switchboard/server/client_socket.hpp"
#include "switchboard/server/router.hpp"
#include "switchboard/server/server.hpp"
#include "switchboard/server/turn_runner.hpp"
#include "voices.hpp"

namespace voxtral {

// What the transport counts, for /health, /api/stats and status_response.
struct Counters {
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::uint64_t> audio_generated_ms{0};  // answers' speech
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  double uptime() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); }
};

// What every socket of the transport shares.
struct SocketContext {
  switchboard::server::TurnRunner &turns;
  const Voices &voices;
  Counters &counters;
  std::uint32_t sample_rate;    // audio_response
  std::size_t max_audio_bytes;  // one decoded audio
  // The identity of an API key sent in an auth message, when auth is on
  // and the upgrade carried none (role none when refused).
  std::function<switchboard::server::Identity(const std::string &key)> authenticate;
  // The server's side of status_response.
  std::function<nlohmann::json()> server_status;
};

class VoxtralSocket : public std::enable_shared_from_this<VoxtralSocket> {
 public:
  // `who` with role none: auth is on and the upgrade carried no key; the
  // client must send an auth message first. `status_updates`: send the
  // processing status messages. `released` runs once, when the socket goes.
  VoxtralSocket(SocketContext &context, std::string session_id, switchboard::server::Identity who, bool status_updates,
                std::function<void()> released);
  ~VoxtralSocket();

  void bind(switchboard::server::SocketHandlers &handlers, switchboard::server::OnOpen &on_open);

 private:
  void opened(std::shared_ptr<switchboard::server::Socket> socket);
  void text(std::string_view message);
  void closed();
  void send(const nlohmann::json &m);
  void error(const std::string &message);
  void status(const char *message);
  void authenticate(const std::string &key);
  void status_response();
  void turn(switchboard::server::TurnInput in, const std::string &voice, bool voice_known, const std::string &asked);

  SocketContext &context_;
  const std::string session_id_;
  switchboard::server::Identity who_;
  const bool status_updates_;
  const std::chrono::steady_clock::time_point connected_ = std::chrono::steady_clock::now();
  std::atomic<int> requests_{0};
  std::atomic<std::uint64_t> audio_generated_ms_{0};
  switchboard::server::ClientSocket client_;
};

}  // namespace voxtral
