#include "poppins_socket.hpp"

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
  const auto m = nlohmann::json::parse(message, nullptr, false);
  if (!m.is_object()) return error("Invalid JSON");
  const auto type_it = m.find("type");
  const std::string type = type_it != m.end() && type_it->is_string() ? type_it->get<std::string>() : "";
  if (type == "ping") return send({{"type", "pong"}});
  if (type == "text_message") {
    const auto text = m.find("message");
    if (text == m.end() || !text->is_string()) return error("'message' must be a string");
    if (text->get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) return error("message is empty");
    const auto audio = m.find("include_audio");
    if (audio != m.end() && !audio->is_boolean()) return error("'include_audio' must be true or false");
    return turn({text->get<std::string>(), "", audio == m.end() || audio->get<bool>(), ""});
  }
  if (type == "audio_message") {
    const auto data = m.find("audio_data");
    if (data == m.end() || !data->is_string()) return error("'audio_data' must be a base64 string");
    auto bytes = switchboard::sdk::base64_decode(data->get<std::string>());
    if (!bytes || bytes->empty()) return error("audio_data is not valid base64");
    if (bytes->size() > max_audio_bytes_)
      return error("audio_data is larger than " + std::to_string(max_audio_bytes_) + " bytes");
    return turn({"", std::move(*bytes), true, ""});
  }
  error("Unknown message type: " + type);
}

}  // namespace poppins
