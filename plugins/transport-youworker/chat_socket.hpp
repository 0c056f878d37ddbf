// WebSocket /chat/{session_id}: text, audio (base64 PCM16 or a file, with
// its sample_rate), stop and ping in; the system welcome, status stages, the
// transcript (confidence, language), the answer as it is written (text with
// is_streaming) and whole (is_final), its speech (one WAV at the API's
// rate), tool calls (type "tool"), error and pong out. A message's
// metadata may name a `model` and `enable_tools`, as the REST body does. Each text or audio message is one turn of the
// session, in the session's line; stop ends the ones running.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "switchboard/server/auth.hpp"
#include "switchboard/server/client_socket.hpp"
#include "switchboard/server/router.hpp"
#include "switchboard/server/turn_runner.hpp"
#include "usage_ledger.hpp"

namespace youworker {

struct ChatContext;

struct SocketContext {
  const ChatContext &chat;    // the turns, the options a turn asks for, the ledger
  std::uint32_t sample_rate;  // audio out (22050)
  std::size_t max_audio_bytes;
  std::string language;
};

class ChatSocket : public std::enable_shared_from_this<ChatSocket> {
 public:
  // `allow`: whether the client may send one more message; `released` runs
  // once, when the socket goes.
  ChatSocket(SocketContext &context, std::string session_id, switchboard::server::Identity who,
             std::function<bool()> allow, std::function<void()> released);

  void bind(switchboard::server::SocketHandlers &handlers, switchboard::server::OnOpen &on_open);

 private:
  void text(std::string_view message);
  void send(const std::string &type, const nlohmann::json &content, nlohmann::json metadata = nullptr);
  void turn(switchboard::server::TurnInput in);

  SocketContext &context_;
  const std::string session_id_;
  const switchboard::server::Identity who_;
  std::function<bool()> allow_;
  switchboard::server::ClientSocket client_;
};

}  // namespace youworker
