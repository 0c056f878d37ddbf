#include "client_message.hpp"

#include <nlohmann/json.hpp>

#include "switchboard/sdk/base64.hpp"

namespace voice_api {
namespace {

ClientMessage refused(std::string error, std::string code) {
  ClientMessage m;
  m.error = std::move(error);
  m.code = std::move(code);
  return m;
}

}  // namespace

ClientMessage decode_client_message(std::string_view raw) {
  const auto message = nlohmann::json::parse(raw, nullptr, false);
  if (message.is_discarded() || !message.is_object()) return refused("Invalid JSON message", "bad_json");
  const auto type = message.find("type");
  if (type == message.end() || !type->is_string()) return refused("Message has no \"type\"", "bad_message");
  const auto &t = type->get_ref<const std::string &>();
  ClientMessage m;
  if (t == "audio") {
    const auto data = message.find("data");
    if (data == message.end() || !data->is_string())
      return refused("Audio message has no base64 \"data\"", "bad_audio");
    auto bytes = switchboard::sdk::base64_decode(data->get_ref<const std::string &>());
    if (!bytes) return refused("Audio data is not valid base64", "bad_base64");
    m.kind = ClientMessage::Kind::audio;
    m.data = std::move(*bytes);
    if (const auto seq = message.find("seq"); seq != message.end() && seq->is_number_integer()) {
      m.seq = seq->get<std::int64_t>();
    }
  } else if (t == "text") {
    const auto data = message.find("data");
    if (data == message.end() || !data->is_string()) return refused("Text message has no \"data\"", "bad_message");
    m.kind = ClientMessage::Kind::text;
    m.data = data->get<std::string>();
  } else if (t == "interrupt") {
    m.kind = ClientMessage::Kind::interrupt;
  } else if (t == "audio_end") {
    m.kind = ClientMessage::Kind::audio_end;
  } else {
    return refused("Unknown message type: " + t, "unknown_type");
  }
  return m;
}

}  // namespace voice_api
