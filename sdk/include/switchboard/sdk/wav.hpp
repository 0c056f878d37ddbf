// Mono 16-bit PCM as bytes: raw little-endian, or a WAV file. For plugins
// that upload audio (batch speech-to-text) or send it to clients.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace switchboard::sdk {

namespace detail {
inline void put_le(std::string &s, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
}  // namespace detail

// The samples as little-endian s16 bytes.
inline std::string pcm_bytes(const std::int16_t *samples, std::size_t count) {
  std::string out;
  out.reserve(count * 2);
  for (std::size_t i = 0; i < count; ++i) detail::put_le(out, static_cast<std::uint16_t>(samples[i]), 2);
  return out;
}

// A mono s16 WAV file of the samples.
inline std::string wav_file(const std::int16_t *samples, std::size_t count, std::uint32_t sample_rate) {
  const auto data = static_cast<std::uint32_t>(count * 2);
  std::string f = "RIFF";
  f.reserve(44 + data);
  detail::put_le(f, 36 + data, 4);
  f += "WAVEfmt ";
  detail::put_le(f, 16, 4);
  detail::put_le(f, 1, 2);  // PCM
  detail::put_le(f, 1, 2);  // mono
  detail::put_le(f, sample_rate, 4);
  detail::put_le(f, sample_rate * 2, 4);
  detail::put_le(f, 2, 2);
  detail::put_le(f, 16, 2);
  f += "data";
  detail::put_le(f, data, 4);
  f += pcm_bytes(samples, count);
  return f;
}

}  // namespace switchboard::sdk
