// A client's JSON frame on a transport's WebSocket, as every published API
// frames its messages: one JSON object whose "type" names it. The
// transports' decoders start here and read the rest of the object with
// find and is_* only, so no frame, however malformed, throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "switchboard/sdk/base64.hpp"

namespace switchboard::server {

struct ClientFrame {
  nlohmann::json body;  // an object
  std::string type;     // its "type" when that is a string, else ""
};

// The frame, or nullopt when the text is not one JSON object.
inline std::optional<ClientFrame> parse_client_frame(std::string_view raw) {
  auto body = nlohmann::json::parse(raw, nullptr, false);
  if (!body.is_object()) return std::nullopt;
  const auto type = body.find("type");
  std::string name = type != body.end() && type->is_string() ? type->get<std::string>() : std::string();
  return ClientFrame{std::move(body), std::move(name)};
}

// A frame's base64 audio field `name`: its bytes (1 to max_bytes of them),
// or nullopt with `problem` saying why not in the words the transports
// share ("'audio_data' must be a base64 string", "audio_data is not valid
// base64", "audio_data is larger than N bytes").
inline std::optional<std::string> audio_field(const nlohmann::json &body, const std::string &name,
                                              std::size_t max_bytes, std::string &problem) {
  const auto data = body.find(name);
  if (data == body.end() || !data->is_string()) {
    problem = "'" + name + "' must be a base64 string";
    return std::nullopt;
  }
  auto bytes = sdk::base64_decode(data->get_ref<const std::string &>());
  if (!bytes || bytes->empty()) {
    problem = name + " is not valid base64";
    return std::nullopt;
  }
  if (bytes->size() > max_bytes) {
    problem = name + " is larger than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  return bytes;
}

}  // namespace switchboard::server
