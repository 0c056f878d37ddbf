// What a client's frame on /chat/{session_id} says (youworker.md, "WebSocket"):
// decoded apart from what the socket does with it, so that no frame, however
// malformed, gets further than an error message in the API's own words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace youworker {

struct ChatMessage {
  enum class Kind { ping, stop, text, audio, refused };
  Kind kind = Kind::refused;
  std::string content;  // text: the message; refused: why
  std::string audio;    // audio: the decoded bytes
  std::uint32_t sample_rate = 16000;
  bool expect_audio = false;  // metadata.expect_audio (text: false, audio: true by default)
  std::string model;          // metadata.model, "" when not given
  bool enable_tools = true;   // metadata.enable_tools
};

ChatMessage decode_chat_message(std::string_view raw, std::size_t max_audio_bytes);

}  // namespace youworker
