// What a client's text frame on /voice says (voice-assistant.md, "WebSocket"):
// decoded apart from what the socket does with it, so that no frame, however
// malformed, gets further than a refusal in the API's own words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voice_api {

struct ClientMessage {
  enum class Kind { audio, text, interrupt, audio_end, refused };
  Kind kind = Kind::refused;
  std::string data;                 // audio: the decoded bytes; text: the text
  std::optional<std::int64_t> seq;  // audio: the client's number for it, if any
  // refused: the error message and its code ("bad_json", "bad_message", ...)
  std::string error;
  std::string code;
};

// Decodes into `m`, keeping the memory of its strings: a socket that decodes
// every frame into the same message allocates nothing per audio frame. The
// JSON is parsed by simdjson with a parser per thread, whose buffers are kept
// too.
void decode_client_message(std::string_view raw, ClientMessage &m);
ClientMessage decode_client_message(std::string_view raw);

}  // namespace voice_api
