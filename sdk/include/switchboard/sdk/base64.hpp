// Base64 (RFC 4648) for plugins that carry audio in JSON: encoding, and a
// decoder that takes both alphabets, optional padding and line breaks, and
// refuses anything else.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::sdk {

namespace detail {
inline constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Each byte's 6-bit value; 64: whitespace (skipped); 65: padding; 255: not base64.
inline constexpr std::array<std::uint8_t, 256> kBase64Values = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(255);
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::uint8_t>(i);
  t['-'] = 62;  // the URL-safe alphabet
  t['_'] = 63;
  t[' '] = t['\n'] = t['\r'] = t['\t'] = 64;
  t['='] = 65;
  return t;
}();
}  // namespace detail

inline std::string base64_encode(std::string_view bytes) {
  const char *k = detail::kBase64Alphabet;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t at) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])); };
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t v = byte(i) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

// nullopt when the text is not base64.
inline std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t n = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  int padding = 0;
  for (const char c : text) {
    const std::uint8_t v = detail::kBase64Values[static_cast<unsigned char>(c)];
    if (v < 64) {
      if (padding > 0) return std::nullopt;  // data after padding
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = static_cast<char>((acc >> bits) & 0xff);
      }
    } else if (v == 65) {
      ++padding;
    } else if (v == 255) {
      return std::nullopt;
    }
  }
  if (padding > 2 || bits >= 6) return std::nullopt;  // a lone sextet is not a byte
  out.resize(n);
  return out;
}

}  // namespace switchboard::sdk
