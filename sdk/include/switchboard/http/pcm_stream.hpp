// Signed 16-bit little-endian PCM arriving as bytes cut anywhere: whole
// samples out, an odd byte carried to the next piece.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace switchboard::http {

class PcmStream {
 public:
  // Calls emit(samples, count) with the whole samples in bytes.
  template <class Emit>
  void feed(std::string_view bytes, Emit &&emit) {
    samples_.clear();
    std::size_t i = 0;
    if (has_carry_ && !bytes.empty()) {
      samples_.push_back(sample(carry_, bytes[0]));
      has_carry_ = false;
      i = 1;
    }
    for (; i + 1 < bytes.size(); i += 2) samples_.push_back(sample(bytes[i], bytes[i + 1]));
    if (i < bytes.size()) {
      carry_ = bytes[i];
      has_carry_ = true;
    }
    if (!samples_.empty()) emit(samples_.data(), samples_.size());
  }

  // True when the stream ended halfway through a sample: it was cut short.
  bool dangling() const noexcept { return has_carry_; }

 private:
  static std::int16_t sample(char lo, char hi) noexcept {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<unsigned char>(lo)) |
                                     static_cast<std::uint16_t>(static_cast<unsigned char>(hi)) << 8);
  }

  std::vector<std::int16_t> samples_;
  char carry_ = 0;
  bool has_carry_ = false;
};

}  // namespace switchboard::http
