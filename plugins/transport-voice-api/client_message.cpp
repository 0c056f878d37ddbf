#include "client_message.hpp"

#include <simdjson.h>

#include "switchboard/sdk/base64.hpp"

namespace voice_api {
namespace {

void refuse(ClientMessage &m, const char *error, const char *code) {
  m.kind = ClientMessage::Kind::refused;
  m.error = error;
  m.code = code;
}

// The object's string member `key`, if it has one.
std::optional<std::string_view> string_member(simdjson::dom::object object, std::string_view key) {
  std::string_view value;
  if (object.at_key(key).get_string().get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

}  // namespace

void decode_client_message(std::string_view raw, ClientMessage &m) {
  thread_local simdjson::dom::parser parser;
  m.seq.reset();
  simdjson::dom::object message;
  // The parser copies the text into its own padded buffer, kept between calls.
  if (parser.parse(raw.data(), raw.size()).get_object().get(message) != simdjson::SUCCESS) {
    return refuse(m, "Invalid JSON message", "bad_json");
  }
  const auto type = string_member(message, "type");
  if (!type) return refuse(m, "Message has no \"type\"", "bad_message");
  if (*type == "audio") {
    const auto data = string_member(message, "data");
    if (!data) return refuse(m, "Audio message has no base64 \"data\"", "bad_audio");
    if (!switchboard::sdk::base64_decode_into(*data, m.data)) {
      return refuse(m, "Audio data is not valid base64", "bad_base64");
    }
    m.kind = ClientMessage::Kind::audio;
    std::int64_t seq = 0;
    if (message.at_key("seq").get_int64().get(seq) == simdjson::SUCCESS) m.seq = seq;
  } else if (*type == "text") {
    const auto data = string_member(message, "data");
    if (!data) return refuse(m, "Text message has no \"data\"", "bad_message");
    m.kind = ClientMessage::Kind::text;
    m.data.assign(*data);
  } else if (*type == "interrupt") {
    m.kind = ClientMessage::Kind::interrupt;
  } else if (*type == "audio_end") {
    m.kind = ClientMessage::Kind::audio_end;
  } else {
    m.kind = ClientMessage::Kind::refused;
    m.error = "Unknown message type: ";
    m.error += *type;
    m.code = "unknown_type";
  }
}

ClientMessage decode_client_message(std::string_view raw) {
  ClientMessage m;
  decode_client_message(raw, m);
  return m;
}

}  // namespace voice_api
