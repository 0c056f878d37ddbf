// transport-poppins's client frames on /ws/{session_id}: any text is a ping,
// a turn within the document's bounds, or an error that says why.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socket_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  constexpr std::size_t kMaxAudio = 4096;
  const auto m =
      poppins::decode_socket_message(std::string_view(reinterpret_cast<const char *>(data), size), kMaxAudio);
  using Kind = poppins::SocketMessage::Kind;
  if (m.kind == Kind::refused && m.text.empty()) std::abort();
  if (m.kind == Kind::audio && (m.audio.empty() || m.audio.size() > kMaxAudio || m.audio.size() > size)) std::abort();
  if (m.kind == Kind::text && m.text.find_first_not_of(" \t\r\n") == std::string_view::npos) std::abort();
  return 0;
}
