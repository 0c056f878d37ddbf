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

// Decodes into `out`, whose capacity is kept (no allocation once it is big
// enough); false when the text is not base64 (`out` is then unspecified).
// Whole groups of four plain characters go four at a time; whitespace,
// padding and the end take the careful path.
inline bool base64_decode_into(std::string_view text, std::string &out) {
  out.resize(text.size() / 4 * 3 + 3);
  char *o = out.data();
  const auto *v = detail::kBase64Values.data();
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    const std::uint32_t a = v[static_cast<unsigned char>(text[i])], b = v[static_cast<unsigned char>(text[i + 1])],
                        c = v[static_cast<unsigned char>(text[i + 2])], d = v[static_cast<unsigned char>(text[i + 3])];
    if ((a | b | c | d) >= 64) break;
    const std::uint32_t group = a << 18 | b << 12 | c << 6 | d;
    *o++ = static_cast<char>(group >> 16);
    *o++ = static_cast<char>((group >> 8) & 0xff);
    *o++ = static_cast<char>(group & 0xff);
  }
  std::uint32_t acc = 0;
  int bits = 0;
  int padding = 0;
  for (; i < text.size(); ++i) {
    const std::uint8_t value = v[static_cast<unsigned char>(text[i])];
    if (value < 64) {
      if (padding > 0) return false;  // data after padding
      acc = (acc << 6) | value;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        *o++ = static_cast<char>((acc >> bits) & 0xff);
      }
    } else if (value == 65) {
      ++padding;
    } else if (value == 255) {
      return false;
    }
  }
  if (padding > 2 || bits >= 6) return false;  // a lone sextet is not a byte
  out.resize(static_cast<std::size_t>(o - out.data()));
  return true;
}

// nullopt when the text is not base64.
inline std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  if (!base64_decode_into(text, out)) return std::nullopt;
  return out;
}

}  // namespace switchboard::sdk
