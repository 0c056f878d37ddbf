// Decoded audio as the pipeline passes it around, and the pipeline's format.
#pragma once

#include <cstdint>
#include <string>
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

// Whether audio at `rate` Hz with `channels` channels may be taken in; else
// false with the reason in `error`.
inline bool input_format_ok(std::int64_t rate, std::int64_t channels, std::string &error) {
  if (rate < kMinInputRate || rate > kMaxInputRate) {
    error = "sample rate " + std::to_string(rate) + " Hz is out of range (" + std::to_string(kMinInputRate) + " to " +
            std::to_string(kMaxInputRate) + ")";
    return false;
  }
  if (channels < 1 || channels > kMaxInputChannels) {
    error = std::to_string(channels) + " channels is out of range (1 to " + std::to_string(kMaxInputChannels) + ")";
    return false;
  }
  return true;
}

// Interleaved signed 16-bit samples.
struct Pcm {
  std::vector<std::int16_t> samples;
  int sample_rate = 0;
  int channels = 0;

  std::size_t frames() const noexcept { return channels > 0 ? samples.size() / static_cast<std::size_t>(channels) : 0; }
  double seconds() const noexcept { return sample_rate > 0 ? static_cast<double>(frames()) / sample_rate : 0; }
};

}  // namespace switchboard::audio
