#include "audio/sniff.hpp"

#include <cstring>

#include "audio/wav.hpp"

namespace switchboard::audio {

const char *to_string(Container c) noexcept {
  switch (c) {
    case Container::wav:
      return "wav";
    case Container::webm:
      return "webm";
    case Container::ogg:
      return "ogg";
    case Container::mp3:
      return "mp3";
    case Container::unknown:
      return "unknown";
  }
  return "unknown";
}

Container sniff(std::span<const std::uint8_t> b) noexcept {
  if (looks_like_wav(b)) return Container::wav;
  if (b.size() >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3) return Container::webm;
  if (b.size() >= 4 && std::memcmp(b.data(), "OggS", 4) == 0) return Container::ogg;
  if (b.size() >= 3 && std::memcmp(b.data(), "ID3", 3) == 0) return Container::mp3;
  // An MPEG audio frame: 11 sync bits, layer III.
  if (b.size() >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x06) == 0x02) return Container::mp3;
  return Container::unknown;
}

}  // namespace switchboard::audio
