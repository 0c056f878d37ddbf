// What a client's frame on /ws says (conversational.md, "WebSocket"):
// decoded apart from what the socket does with it, so that no frame, however
// malformed, gets further than an error message with the document's codes.
#pragma once

#include <string>
#include <string_view>

namespace conversational {

struct ConversationMessage {
  enum class Kind { start, end, audio, refused };
  Kind kind = Kind::refused;
  std::string code;     // refused: INVALID_JSON or UNKNOWN_TYPE
  std::string message;  // refused: the error's message; audio: why its data is unusable, "" when it is
  std::string audio;    // audio: the decoded bytes
};

ConversationMessage decode_conversation_message(std::string_view raw);

}  // namespace conversational
