#include "switchboard/server/speech_out.hpp"

#include <soxr.h>

#include "switchboard/sdk/wav.hpp"

namespace switchboard::server {

std::vector<std::int16_t> resampled(const std::int16_t *samples, std::size_t count, std::uint32_t in_rate,
                                    std::uint32_t out_rate) {
  if (in_rate == out_rate || in_rate == 0 || out_rate == 0 || count == 0) {
    return std::vector<std::int16_t>(samples, samples + count);
  }
  std::vector<std::int16_t> out(count * out_rate / in_rate + 16);
  std::size_t written = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  if (soxr_oneshot(in_rate, out_rate, 1, samples, count, nullptr, out.data(), out.size(), &written, &io, &quality,
                   nullptr) != nullptr) {
    return {};  // never expected: the rates are valid
  }
  out.resize(written);
  return out;
}

std::string wav_at(const std::int16_t *samples, std::size_t count, std::uint32_t in_rate, std::uint32_t out_rate) {
  if (in_rate == 0) return sdk::wav_file(samples, count, out_rate);
  const auto out = resampled(samples, count, in_rate, out_rate);
  return sdk::wav_file(out.data(), out.size(), out_rate);
}

}  // namespace switchboard::server
