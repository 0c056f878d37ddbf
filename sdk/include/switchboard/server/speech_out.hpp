// Spoken answers as a published API documents them: a WAV file (header
// included, so a browser's decodeAudioData plays each chunk alone) at the
// API's sample rate, whatever rate the tts provider spoke at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::server {

// Mono samples at `in_rate`, resampled (libsoxr) to `out_rate`.
std::vector<std::int16_t> resampled(const std::int16_t *samples, std::size_t count, std::uint32_t in_rate,
                                    std::uint32_t out_rate);

// Mono samples at `in_rate`, resampled to `out_rate`, as a WAV file.
std::string wav_at(const std::int16_t *samples, std::size_t count, std::uint32_t in_rate, std::uint32_t out_rate);

}  // namespace switchboard::server
