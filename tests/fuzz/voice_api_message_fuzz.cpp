// transport-voice-api's client frames on /voice: any text is a message or a
// refusal with a message and a code, as the API's error event carries them.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const auto m = voice_api::decode_client_message(std::string_view(reinterpret_cast<const char *>(data), size));
  if (m.kind == voice_api::ClientMessage::Kind::refused && (m.error.empty() || m.code.empty())) std::abort();
  if (m.kind == voice_api::ClientMessage::Kind::audio && m.data.size() > size) std::abort();
  return 0;
}
