// Streaming sample-rate conversion of mono 16-bit audio with libsoxr, and the
// channel downmix before it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "audio/pcm.hpp"

struct soxr;

namespace switchboard::audio {

class Resampler {
 public:
  // Allocates here; process() grows only the caller's buffer.
  Resampler(int in_rate, int out_rate);
  ~Resampler();
  Resampler(const Resampler &) = delete;
  Resampler &operator=(const Resampler &) = delete;

  int in_rate() const noexcept { return in_rate_; }
  int out_rate() const noexcept { return out_rate_; }
  // Appends the converted audio to `out`.
  void process(std::span<const std::int16_t> in, std::vector<std::int16_t> &out);
  // No more input: appends what the filter still holds.
  void flush(std::vector<std::int16_t> &out);

 private:
  void run(const std::int16_t *in, std::size_t n, std::vector<std::int16_t> &out);

  int in_rate_;
  int out_rate_;
  soxr *soxr_ = nullptr;  // null when the rates are equal
  // soxr's output depends a little on how input is split; feeding it whole
  // 10 ms blocks makes the result the same however the audio arrived.
  std::size_t block_ = 0;
  std::vector<std::int16_t> pending_;
};

// Averages interleaved channels into one.
void downmix(std::span<const std::int16_t> interleaved, int channels, std::vector<std::int16_t> &mono);

// A whole buffer to the pipeline format: 16 kHz mono.
std::vector<std::int16_t> to_pipeline(const Pcm &pcm);

}  // namespace switchboard::audio
