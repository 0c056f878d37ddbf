// transport-conversational's client frames on /ws: any text is a start, an
// end, an audio chunk (its bytes or why they are unusable) or an error
// with one of the document's codes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "conversation_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const auto m =
      conversational::decode_conversation_message(std::string_view(reinterpret_cast<const char *>(data), size));
  using Kind = conversational::ConversationMessage::Kind;
  if (m.kind == Kind::refused && ((m.code != "INVALID_JSON" && m.code != "UNKNOWN_TYPE") || m.message.empty())) {
    std::abort();
  }
  if (m.kind == Kind::audio && (m.audio.size() > size || (!m.message.empty() && !m.audio.empty()))) std::abort();
  return 0;
}
