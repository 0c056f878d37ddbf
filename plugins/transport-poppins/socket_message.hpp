// What a client's frame on /ws/{session_id} says (poppins.md, "WebSocket"):
// decoded apart from what the socket does with it, so that no frame, however
// malformed, gets further than an error message in the API's own words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace poppins {

struct SocketMessage {
  enum class Kind { ping, text, audio, refused };
  Kind kind = Kind::refused;
  std::string text;           // text: the message; refused: why
  std::string audio;          // audio: the decoded bytes, 1 to max_audio_bytes of them
  bool include_audio = true;  // text: include_audio
};

SocketMessage decode_socket_message(std::string_view raw, std::size_t max_audio_bytes);

}  // namespace poppins
