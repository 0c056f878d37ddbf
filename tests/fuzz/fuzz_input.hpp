// What a fuzz target makes of its bytes: a few choices taken from the front,
// the rest as the input itself, and the cuts at which to deliver it in pieces.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace switchboard::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t *data, std::size_t size) : rest_(reinterpret_cast<const char *>(data), size) {}

  // The next byte as a choice (0 when none is left).
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  // The bytes up to the first `separator` (all of them when there is none).
  std::string_view until(char separator) {
    const auto at = rest_.find(separator);
    const auto part = rest_.substr(0, at);
    rest_.remove_prefix(at == std::string_view::npos ? rest_.size() : at + 1);
    return part;
  }

  std::string_view rest() const noexcept { return rest_; }

 private:
  std::string_view rest_;
};

// `text` in pieces of `unit` to `(seed % 17 + 1) * unit` bytes, the sizes
// cycling with the seed, so that a parser sees every kind of boundary.
inline std::vector<std::string_view> pieces(std::string_view text, std::uint8_t seed, std::size_t unit = 1) {
  std::vector<std::string_view> out;
  const std::size_t span = seed % 17u + 1u;
  std::size_t step = seed;
  while (!text.empty()) {
    const std::size_t n = (step++ % span + 1) * unit;
    out.push_back(text.substr(0, n));
    text.remove_prefix(std::min(n, text.size()));
  }
  return out;
}

}  // namespace switchboard::fuzz
