#include "socket_message.hpp"

#include "switchboard/server/client_frame.hpp"

namespace poppins {
namespace {

SocketMessage refused(std::string why) {
  SocketMessage m;
  m.text = std::move(why);
  return m;
}

}  // namespace

SocketMessage decode_socket_message(std::string_view raw, std::size_t max_audio_bytes) {
  const auto frame = switchboard::server::parse_client_frame(raw);
  if (!frame) return refused("Invalid JSON");
  const auto &m = frame->body;
  const std::string &type = frame->type;
  SocketMessage out;
  if (type == "ping") {
    out.kind = SocketMessage::Kind::ping;
    return out;
  }
  if (type == "text_message") {
    const auto text = m.find("message");
    if (text == m.end() || !text->is_string()) return refused("'message' must be a string");
    if (text->get_ref<const std::string &>().find_first_not_of(" \t\r\n") == std::string::npos) {
      return refused("message is empty");
    }
    const auto audio = m.find("include_audio");
    if (audio != m.end() && !audio->is_boolean()) return refused("'include_audio' must be true or false");
    out.kind = SocketMessage::Kind::text;
    out.text = text->get<std::string>();
    out.include_audio = audio == m.end() || audio->get<bool>();
    return out;
  }
  if (type == "audio_message") {
    std::string problem;
    auto bytes = switchboard::server::audio_field(m, "audio_data", max_audio_bytes, problem);
    if (!bytes) return refused(problem);
    out.kind = SocketMessage::Kind::audio;
    out.audio = std::move(*bytes);
    return out;
  }
  return refused("Unknown message type: " + type);
}

}  // namespace poppins
