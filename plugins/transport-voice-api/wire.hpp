// The Voice Assistant API's wire details: base64 audio and WAV chunks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voice_api {

std::string base64_encode(std::string_view bytes);
// Standard or URL-safe alphabet, padding optional, whitespace ignored;
// nullopt when it is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// A mono s16 WAV file of the samples (what a browser's decodeAudioData plays).
std::string wav_bytes(const std::int16_t *samples, std::size_t count, std::uint32_t sample_rate);
// The samples as little-endian s16 bytes.
std::string pcm_bytes(const std::int16_t *samples, std::size_t count);

}  // namespace voice_api
