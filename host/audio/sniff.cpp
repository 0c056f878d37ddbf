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

namespace {

// The length in bytes of the MPEG audio layer III frame whose header starts
// at `h`, or 0 when those four bytes are no such header.
std::size_t mp3_frame_length(const std::uint8_t *h) noexcept {
  if (h[0] != 0xFF || (h[1] & 0xE0) != 0xE0 || (h[1] & 0x06) != 0x02) return 0;
  const int version = (h[1] >> 3) & 3;  // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
  const int bitrate_index = h[2] >> 4;
  const int rate_index = (h[2] >> 2) & 3;
  if (version == 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3) return 0;
  static constexpr int kMpeg1Kbps[15] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
  static constexpr int kMpeg2Kbps[15] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
  static constexpr int kRates[3] = {44100, 48000, 32000};
  const int rate = kRates[rate_index] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
  const int kbps = (version == 3 ? kMpeg1Kbps : kMpeg2Kbps)[bitrate_index];
  const int padding = (h[2] >> 1) & 1;
  return static_cast<std::size_t>((version == 3 ? 144 : 72) * kbps * 1000 / rate + padding);
}

// MPEG audio without a tag: two valid frame headers in a row, the second
// where the first's length puts it. One header alone is two bytes of chance
// (raw samples or a chunk of a compressed stream match one in a few
// thousand), so it is not enough.
bool looks_like_mp3_frames(std::span<const std::uint8_t> b) noexcept {
  if (b.size() < 4) return false;
  const std::size_t length = mp3_frame_length(b.data());
  if (length < 4 || b.size() < length + 4) return false;
  const std::uint8_t *next = b.data() + length;
  return mp3_frame_length(next) != 0 && (next[1] & 0x1E) == (b[1] & 0x1E) && (next[2] & 0x0C) == (b[2] & 0x0C);
}

}  // namespace

Container sniff(std::span<const std::uint8_t> b) noexcept {
  if (looks_like_wav(b)) return Container::wav;
  if (b.size() >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3) return Container::webm;
  if (b.size() >= 4 && std::memcmp(b.data(), "OggS", 4) == 0) return Container::ogg;
  if (b.size() >= 3 && std::memcmp(b.data(), "ID3", 3) == 0) return Container::mp3;
  if (looks_like_mp3_frames(b)) return Container::mp3;
  return Container::unknown;
}

}  // namespace switchboard::audio
