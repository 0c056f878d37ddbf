// WebSocket /voice/{session_id}: one client attached to one session. Client
// messages (audio as base64 JSON or binary frames, interrupt, text) go in;
// the session's events go out as the API's messages.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "client_message.hpp"
#include "host_views.hpp"
#include "switchboard/server/auth.hpp"
#include "switchboard/server/live_session.hpp"
#include "switchboard/server/server.hpp"

namespace voice_api {

struct SocketSettings {
  std::string output_format = "wav";  // "wav" or "pcm16"
  double messages_per_second = 100;   // client messages; 0: no limit
  double message_burst = 200;
  std::size_t max_audio_bytes = 0;  // decoded audio per message; 0: no limit
  // Per connection (?stream_text=1, beyond the document): the answer's text
  // as it is written, as {"type":"response_text","data":{"turn_id","text"}}.
  bool stream_text = false;
};

class VoiceSocket : public std::enable_shared_from_this<VoiceSocket> {
 public:
  // `who` is the client; `allow` says whether its subject may send one more
  // message (all its sockets together); `released` runs once, when the
  // socket goes (its live-session count).
  VoiceSocket(const HostViews &views, std::string session_id, SocketSettings settings,
              switchboard::server::Identity who, std::function<bool(const switchboard::server::Identity &)> allow,
              std::function<void()> released);
  ~VoiceSocket();

  // The server's handlers for this socket.
  void bind(switchboard::server::SocketHandlers &handlers,
            std::function<void(std::shared_ptr<switchboard::server::Socket>)> &on_open);

 private:
  void opened(std::shared_ptr<switchboard::server::Socket> socket);
  void text(std::string_view message);
  void binary(std::string_view bytes);
  void closed();
  bool audio(std::string_view bytes);
  void acknowledge(std::int64_t seq);
  void error(const std::string &message, const char *code = nullptr);
  bool within_rate();

  // From the session.
  void event(const nlohmann::json &e);
  void speech(const std::int16_t *samples, std::size_t count, std::uint32_t rate);
  void replaced();

  HostViews views_;
  std::string session_id_;
  SocketSettings settings_;
  switchboard::server::Identity who_;
  std::function<bool(const switchboard::server::Identity &)> allow_;
  std::function<void()> released_;
  std::shared_ptr<switchboard::server::Socket> socket_;
  std::unique_ptr<switchboard::server::LiveSession> live_;
  // The last text frame, decoded (socket thread only): kept for its memory.
  ClientMessage message_;
  // Token bucket for client messages (socket thread only).
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
};

}  // namespace voice_api
