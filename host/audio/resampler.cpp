#include "audio/resampler.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <soxr.h>

namespace switchboard::audio {

Resampler::Resampler(int in_rate, int out_rate) : in_rate_(in_rate), out_rate_(out_rate) {
  if (in_rate == out_rate) return;
  soxr_error_t error = nullptr;
  soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  // soxr dithers 16-bit output with random noise by default; speech
  // recognition gains nothing from it, and the same input must give the same
  // samples.
  io.flags |= SOXR_NO_DITHER;
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_ = soxr_create(in_rate, out_rate, 1, &error, &io, &quality, nullptr);
  if (error != nullptr) {
    throw std::runtime_error(std::string("cannot resample: ") + error);
  }
  block_ = static_cast<std::size_t>(in_rate / 100);
  pending_.reserve(block_);
}

Resampler::~Resampler() {
  if (soxr_ != nullptr) soxr_delete(soxr_);
}

void Resampler::process(std::span<const std::int16_t> in, std::vector<std::int16_t> &out) {
  if (soxr_ == nullptr) {
    out.insert(out.end(), in.begin(), in.end());
    return;
  }
  std::size_t at = 0;
  // Complete the block begun last time, then whole blocks, then keep the rest.
  if (!pending_.empty()) {
    const std::size_t take = std::min(block_ - pending_.size(), in.size());
    pending_.insert(pending_.end(), in.begin(), in.begin() + static_cast<long>(take));
    at = take;
    if (pending_.size() < block_) return;
    run(pending_.data(), pending_.size(), out);
    pending_.clear();
  }
  const std::size_t whole = (in.size() - at) / block_ * block_;
  for (std::size_t i = 0; i < whole; i += block_) run(in.data() + at + i, block_, out);
  pending_.insert(pending_.end(), in.begin() + static_cast<long>(at + whole), in.end());
}

void Resampler::run(const std::int16_t *in, std::size_t n, std::vector<std::int16_t> &out) {
  const std::size_t room = n * static_cast<std::size_t>(out_rate_) / static_cast<std::size_t>(in_rate_) + 64;
  const std::size_t start = out.size();
  out.resize(start + room);
  std::size_t done_in = 0;
  std::size_t done_out = 0;
  soxr_process(soxr_, in, n, &done_in, out.data() + start, room, &done_out);
  out.resize(start + done_out);
}

void Resampler::flush(std::vector<std::int16_t> &out) {
  if (soxr_ == nullptr) return;
  if (!pending_.empty()) {
    run(pending_.data(), pending_.size(), out);
    pending_.clear();
  }
  std::int16_t buffer[4096];
  std::size_t done_out = 0;
  do {
    soxr_process(soxr_, nullptr, 0, nullptr, buffer, std::size(buffer), &done_out);
    out.insert(out.end(), buffer, buffer + done_out);
  } while (done_out > 0);
}

void downmix(std::span<const std::int16_t> interleaved, int channels, std::vector<std::int16_t> &mono) {
  if (channels <= 1) {
    mono.insert(mono.end(), interleaved.begin(), interleaved.end());
    return;
  }
  const std::size_t frames = interleaved.size() / static_cast<std::size_t>(channels);
  mono.reserve(mono.size() + frames);
  for (std::size_t f = 0; f < frames; ++f) {
    int sum = 0;
    for (int c = 0; c < channels; ++c)
      sum += interleaved[f * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)];
    mono.push_back(static_cast<std::int16_t>(sum / channels));
  }
}

std::vector<std::int16_t> to_pipeline(const Pcm &pcm) {
  std::vector<std::int16_t> mono;
  downmix(pcm.samples, pcm.channels, mono);
  std::vector<std::int16_t> out;
  Resampler r(pcm.sample_rate, kPipelineRate);
  r.process(mono, out);
  r.flush(out);
  return out;
}

}  // namespace switchboard::audio
