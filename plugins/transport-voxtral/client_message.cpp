#include "client_message.hpp"

#include "switchboard/sdk/base64.hpp"
#include "switchboard/server/client_frame.hpp"

namespace voxtral {
namespace {

// The audio's problem in the document's words, "" when there is none.
std::string audio_problem(const nlohmann::json &m, std::size_t max_audio_bytes, std::string &audio) {
  const auto a = m.find("audio");
  if (a == m.end() || !a->is_string()) return "Audio validation failed: 'audio' must be a base64 string";
  auto bytes = switchboard::sdk::base64_decode(a->get_ref<const std::string &>());
  if (!bytes) return "Audio validation failed: the audio is not valid base64";
  if (bytes->empty()) return "Audio validation failed: no audio data";
  if (bytes->size() > max_audio_bytes) {
    return "Audio validation failed: Audio too large: " + std::to_string(bytes->size()) + " bytes > " +
           std::to_string(max_audio_bytes) + " bytes";
  }
  audio = std::move(*bytes);
  return "";
}

}  // namespace

ClientMessage decode_client_message(std::string_view raw, std::size_t max_audio_bytes) {
  ClientMessage out;
  const auto frame = switchboard::server::parse_client_frame(raw);
  if (!frame) {
    out.problem = "Invalid JSON message";
    return out;
  }
  const auto &m = frame->body;
  const std::string &type = frame->type;
  if (type == "auth") {
    out.kind = ClientMessage::Kind::auth;
    const auto key = m.find("api_key");
    if (key != m.end() && key->is_string()) out.api_key = key->get<std::string>();
    return out;
  }
  if (type == "status") {
    out.kind = ClientMessage::Kind::status;
    return out;
  }
  if (type != "audio" && type != "text") {
    out.kind = ClientMessage::Kind::unknown;
    out.problem = "Unknown message type: " + type;
    return out;
  }
  out.kind = type == "text" ? ClientMessage::Kind::text : ClientMessage::Kind::audio;
  const auto voice = m.find("voice");
  if (voice != m.end() && !voice->is_string()) {
    out.problem = "'voice' must be a string";
    return out;
  }
  if (voice != m.end()) out.voice = voice->get<std::string>();
  if (out.kind == ClientMessage::Kind::audio) {
    out.problem = audio_problem(m, max_audio_bytes, out.audio);
    return out;
  }
  const auto t = m.find("text");
  if (t == m.end() || !t->is_string()) {
    out.problem = "'text' must be a string";
  } else if (t->get_ref<const std::string &>().find_first_not_of(" \t\r\n") == std::string::npos) {
    out.problem = "Empty text message";
  } else {
    out.text = t->get<std::string>();
  }
  return out;
}

}  // namespace voxtral
