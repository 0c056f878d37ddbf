#include "server_message.hpp"

#include <nlohmann/json.hpp>

namespace loadgen {
namespace {

std::int64_t integer(const nlohmann::json &object, const char *key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

}  // namespace

ServerMessage read_server_message(std::string_view text) {
  ServerMessage out;
  const auto m = nlohmann::json::parse(text, nullptr, false);
  if (m.is_discarded() || !m.is_object()) return out;
  const auto type = m.find("type");
  if (type == m.end() || !type->is_string()) return out;
  const auto &t = type->get_ref<const std::string &>();
  if (t == "audio_ack") {
    out.kind = ServerMessage::Kind::audio_ack;
    out.seq = integer(m, "seq");
    out.dropped_samples = integer(m, "dropped_samples");
  } else if (t == "vad_status") {
    const auto data = m.find("data");
    if (data != m.end() && data->is_object()) {
      const auto ended = data->find("speech_ended");
      if (ended != data->end() && ended->is_boolean() && ended->get<bool>())
        out.kind = ServerMessage::Kind::speech_ended;
    }
  } else if (t == "audio") {
    out.kind = ServerMessage::Kind::audio;
  } else if (t == "error") {
    out.kind = ServerMessage::Kind::error;
  }
  return out;
}

}  // namespace loadgen
