#include "chat_message.hpp"

#include "switchboard/server/client_frame.hpp"

namespace youworker {
namespace {

ChatMessage refused(std::string why) {
  ChatMessage m;
  m.content = std::move(why);
  return m;
}

// A metadata flag: its value when it is a boolean, else the default.
bool flag(const nlohmann::json &metadata, const char *name, bool otherwise) {
  const auto it = metadata.find(name);
  return it != metadata.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

}  // namespace

ChatMessage decode_chat_message(std::string_view raw, std::size_t max_audio_bytes) {
  const auto frame = switchboard::server::parse_client_frame(raw);
  if (!frame) return refused("Invalid JSON message");
  const auto &m = frame->body;
  const std::string &type = frame->type;
  ChatMessage out;
  if (type == "ping") {
    out.kind = ChatMessage::Kind::ping;
    return out;
  }
  if (type == "stop") {
    out.kind = ChatMessage::Kind::stop;
    return out;
  }
  const auto metadata_it = m.find("metadata");
  const nlohmann::json metadata =
      metadata_it != m.end() && metadata_it->is_object() ? *metadata_it : nlohmann::json::object();
  if (type == "text") {
    const auto content = m.find("content");
    if (content == m.end() || !content->is_string()) return refused("'content' must be a string");
    out.content = content->get<std::string>();
    if (out.content.find_first_not_of(" \t\r\n") == std::string::npos) return refused("The message is empty");
    out.kind = ChatMessage::Kind::text;
    out.expect_audio = flag(metadata, "expect_audio", false);
  } else if (type == "audio") {
    std::string problem;
    auto bytes = switchboard::server::audio_field(m, "audio_data", max_audio_bytes, problem);
    if (!bytes) return refused(problem);
    if (const auto rate = m.find("sample_rate"); rate != m.end()) {
      if (!rate->is_number_integer() || rate->get<std::int64_t>() < 8000 || rate->get<std::int64_t>() > 48000) {
        return refused("sample_rate must be 8000 to 48000");
      }
      out.sample_rate = rate->get<std::uint32_t>();
    }
    out.kind = ChatMessage::Kind::audio;
    out.audio = std::move(*bytes);
    out.expect_audio = flag(metadata, "expect_audio", true);
  } else {
    return refused("Unknown message type: " + type);
  }
  if (const auto model = metadata.find("model"); model != metadata.end() && model->is_string()) {
    out.model = model->get<std::string>();
  }
  out.enable_tools = flag(metadata, "enable_tools", true);
  return out;
}

}  // namespace youworker
