#include "poppins_socket.hpp"

#include "socket_message.hpp"

#include "switchboard/sdk/base64.hpp"

namespace poppins {

namespace server = switchboard::server;

PoppinsSocket::PoppinsSocket(Chat &chat, std::string session_id, server::Identity who, std::size_t max_audio_bytes,
                             std::function<bool()> allow, std::function<void()> released)
    : chat_(chat),
      session_id_(std::move(session_id)),
      who_(std::move(who)),
      max_audio_bytes_(max_audio_bytes),
      allow_(std::move(allow)),
      client_(std::move(released)) {}

PoppinsSocket::~PoppinsSocket() {
  closed();
}

void PoppinsSocket::bind(server::SocketHandlers &handlers,
                         std::function<void(std::shared_ptr<server::Socket>)> &on_open) {
  auto self = shared_from_this();  // held by the handlers until the socket closes
  on_open = [self](std::shared_ptr<server::Socket> socket) { self->client_.opened(std::move(socket)); };
  handlers.on_text = [self](std::string_view m) { self->text(m); };
  handlers.on_binary = [self](std::string_view) { self->error("Binary messages are not part of this API"); };
  handlers.on_close = [self] { self->closed(); };
}

void PoppinsSocket::send(const nlohmann::json &m) {
  client_.send(m);
}

void PoppinsSocket::error(const std::string &message) {
  send({{"type", "error"}, {"message", message}});
}

void PoppinsSocket::closed() {
  client_.closed();
}

void PoppinsSocket::turn(TurnInput in) {
  std::weak_ptr<PoppinsSocket> weak = weak_from_this();
  const std::string id = session_id_;
  TurnOutput out;
  out.text = [weak, id](const std::string &delta) {
    if (auto s = weak.lock(); s && !delta.empty())
      s->send({{"type", "text_chunk"}, {"data", delta}, {"session_id", id}});
  };
  out.audio = [weak, id](std::string wav) {
    if (auto s = weak.lock()) {
      s->send({{"type", "audio_chunk"}, {"data", switchboard::sdk::base64_encode(wav)}, {"session_id", id}});
    }
  };
  out.heard = [weak, id](const std::string &transcript) {
    if (auto s = weak.lock()) s->send({{"type", "transcript"}, {"data", transcript}, {"session_id", id}});
  };
  out.done = [weak, id](const nlohmann::json &) {
    if (auto s = weak.lock()) s->send({{"type", "response_complete"}, {"session_id", id}});
  };
  out.failed = [weak](int, const std::string &message) {
    if (auto s = weak.lock()) s->error(message);
  };
  client_.turns().run(chat_, session_id_, who_, std::move(in), std::move(out));
}

void PoppinsSocket::text(std::string_view message) {
  if (allow_ && !allow_()) return error("Too many messages; slow down");
  auto m = decode_socket_message(message, max_audio_bytes_);
  switch (m.kind) {
    case SocketMessage::Kind::ping:
      return send({{"type", "pong"}});
    case SocketMessage::Kind::text:
      return turn({std::move(m.text), "", m.include_audio, ""});
    case SocketMessage::Kind::audio:
      return turn({"", std::move(m.audio), true, ""});
    case SocketMessage::Kind::refused:
      return error(m.text);
  }
}

}  // namespace poppins
