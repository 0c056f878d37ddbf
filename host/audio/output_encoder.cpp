#include "audio/output_encoder.hpp"

#include <cstring>

#include "audio/wav.hpp"

namespace switchboard::audio {

std::vector<std::uint8_t> OutputEncoder::pack(const std::vector<std::int16_t> &samples) const {
  if (format_ == OutputFormat::wav) return encode_wav(samples, out_rate_, 1);
  std::vector<std::uint8_t> out(samples.size() * 2);
  std::memcpy(out.data(), samples.data(), out.size());
  return out;
}

std::vector<std::uint8_t> OutputEncoder::encode(std::span<const std::int16_t> samples, int in_rate) {
  if (!resampler_ || resampler_->in_rate() != in_rate) {
    resampler_ = std::make_unique<Resampler>(in_rate, out_rate_);
  }
  scratch_.clear();
  resampler_->process(samples, scratch_);
  return pack(scratch_);
}

std::vector<std::uint8_t> OutputEncoder::flush() {
  scratch_.clear();
  if (resampler_) resampler_->flush(scratch_);
  return scratch_.empty() ? std::vector<std::uint8_t>{} : pack(scratch_);
}

}  // namespace switchboard::audio
