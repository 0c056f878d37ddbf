// WebSocket /ws/{session_id}: text_message (include_audio), audio_message
// and ping in; text_chunk, audio_chunk, response_complete, pong and error
// out. Each message that asks for an answer is one turn in the session's
// line, so answers never interleave.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chat.hpp"
#include "switchboard/server/client_socket.hpp"
#include "switchboard/server/server.hpp"

namespace poppins {

class PoppinsSocket : public std::enable_shared_from_this<PoppinsSocket> {
 public:
  // `allow`: whether the client may send one more message; `released` runs
  // once, when the socket goes.
  PoppinsSocket(Chat &chat, std::string session_id, switchboard::server::Identity who, std::size_t max_audio_bytes,
                std::function<bool()> allow, std::function<void()> released);
  ~PoppinsSocket();

  void bind(switchboard::server::SocketHandlers &handlers,
            std::function<void(std::shared_ptr<switchboard::server::Socket>)> &on_open);

 private:
  void text(std::string_view message);
  void closed();
  void send(const nlohmann::json &m);
  void error(const std::string &message);
  void turn(TurnInput in);

  Chat &chat_;
  std::string session_id_;
  switchboard::server::Identity who_;
  std::size_t max_audio_bytes_;
  std::function<bool()> allow_;
  switchboard::server::ClientSocket client_;
};

}  // namespace poppins
