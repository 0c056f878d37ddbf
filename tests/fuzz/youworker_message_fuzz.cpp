// transport-youworker's client frames on /chat/{session_id}: any text is a
// message within the document's bounds or an error that says why.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chat_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  constexpr std::size_t kMaxAudio = 4096;
  const auto m =
      youworker::decode_chat_message(std::string_view(reinterpret_cast<const char *>(data), size), kMaxAudio);
  using Kind = youworker::ChatMessage::Kind;
  if (m.kind == Kind::refused && m.content.empty()) std::abort();
  if (m.kind == Kind::audio && (m.audio.empty() || m.audio.size() > kMaxAudio)) std::abort();
  if (m.kind == Kind::audio && (m.sample_rate < 8000 || m.sample_rate > 48000)) std::abort();
  if (m.kind == Kind::text && m.content.find_first_not_of(" \t\r\n") == std::string_view::npos) std::abort();
  return 0;
}
