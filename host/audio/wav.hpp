// WAV (RIFF) read and write: the fast path for the most common upload, with
// no codec library involved. Reads PCM 8/16/24/32-bit and float 32/64 at any
// rate and channel count; writes 16-bit PCM.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "audio/pcm.hpp"

namespace switchboard::audio {

// True when the bytes start like a WAV file.
bool looks_like_wav(std::span<const std::uint8_t> bytes) noexcept;

// Decodes a whole WAV file; on failure returns false and says why in `error`.
bool decode_wav(std::span<const std::uint8_t> bytes, Pcm &out, std::string &error);

// A 44-byte header for `samples` 16-bit samples at `rate` Hz, `channels` channels.
std::vector<std::uint8_t> wav_header(std::size_t samples, int rate, int channels);
// Header and samples: a complete WAV file.
std::vector<std::uint8_t> encode_wav(std::span<const std::int16_t> samples, int rate, int channels);

}  // namespace switchboard::audio
