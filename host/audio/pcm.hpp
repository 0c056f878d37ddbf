// Decoded audio as the pipeline passes it around, and the pipeline's format.
#pragma once

#include <cstdint>
#include <vector>

namespace switchboard::audio {

// The format every stt provider receives: 16 kHz, mono, signed 16-bit, in
// 20 ms frames of 320 samples.
inline constexpr int kPipelineRate = 16000;
inline constexpr std::size_t kFrameSamples = 320;

// The audio taken in: rates and channel counts outside these are refused
// before anything is resampled.
inline constexpr int kMinInputRate = 4000;
inline constexpr int kMaxInputRate = 192000;
inline constexpr int kMaxInputChannels = 8;

// Interleaved signed 16-bit samples.
struct Pcm {
  std::vector<std::int16_t> samples;
  int sample_rate = 0;
  int channels = 0;

  std::size_t frames() const noexcept { return channels > 0 ? samples.size() / static_cast<std::size_t>(channels) : 0; }
  double seconds() const noexcept { return sample_rate > 0 ? static_cast<double>(frames()) / sample_rate : 0; }
};

}  // namespace switchboard::audio
