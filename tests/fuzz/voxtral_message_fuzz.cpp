// transport-voxtral's client frames on /ws/{session_id}: any text is an
// auth, a status request, a turn within the document's bounds, or an error
// that says why.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  constexpr std::size_t kMaxAudio = 4096;
  const auto m =
      voxtral::decode_client_message(std::string_view(reinterpret_cast<const char *>(data), size), kMaxAudio);
  using Kind = voxtral::ClientMessage::Kind;
  const bool answerable = (m.kind == Kind::text || m.kind == Kind::audio) && m.problem.empty();
  if ((m.kind == Kind::refused || m.kind == Kind::unknown) && m.problem.empty()) std::abort();
  if (answerable && m.kind == Kind::audio && (m.audio.empty() || m.audio.size() > kMaxAudio)) std::abort();
  if (answerable && m.kind == Kind::text && m.text.find_first_not_of(" \t\r\n") == std::string_view::npos) std::abort();
  if (!answerable && (!m.audio.empty() || !m.text.empty())) std::abort();
  return 0;
}
