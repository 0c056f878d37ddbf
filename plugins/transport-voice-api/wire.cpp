#include "wire.hpp"

#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace voice_api {

std::string base64_encode(std::string_view bytes) {
  return switchboard::sdk::base64_encode(bytes);
}

std::optional<std::string> base64_decode(std::string_view text) {
  return switchboard::sdk::base64_decode(text);
}

std::string pcm_bytes(const std::int16_t *samples, std::size_t count) {
  return switchboard::sdk::pcm_bytes(samples, count);
}

std::string wav_bytes(const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  return switchboard::sdk::wav_file(samples, count, rate);
}

}  // namespace voice_api
