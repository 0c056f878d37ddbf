#include "conversation_message.hpp"

#include "switchboard/sdk/base64.hpp"
#include "switchboard/server/client_frame.hpp"

namespace conversational {

ConversationMessage decode_conversation_message(std::string_view raw) {
  ConversationMessage out;
  const auto frame = switchboard::server::parse_client_frame(raw);
  if (!frame) {
    out.code = "INVALID_JSON";
    out.message = "Invalid JSON format";
    return out;
  }
  const auto &m = frame->body;
  const auto type = m.find("type");
  // The API's own server names a missing type None, and any other JSON value by its text.
  const std::string name = type == m.end() ? "None" : type->is_string() ? frame->type : type->dump();
  if (name == "start_conversation" || name == "end_conversation") {
    out.kind = name == "start_conversation" ? ConversationMessage::Kind::start : ConversationMessage::Kind::end;
    return out;
  }
  if (name != "audio_chunk") {
    out.code = "UNKNOWN_TYPE";
    out.message = "Unknown message type: " + name;
    return out;
  }
  out.kind = ConversationMessage::Kind::audio;
  const auto data = m.find("audio_data");
  if (data == m.end() || !data->is_string()) {
    out.message = "audio_data must be a base64 string";
  } else if (auto bytes = switchboard::sdk::base64_decode(data->get_ref<const std::string &>())) {
    out.audio = std::move(*bytes);
  } else {
    out.message = "audio_data is not valid base64";
  }
  return out;
}

}  // namespace conversational
