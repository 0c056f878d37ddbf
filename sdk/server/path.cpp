#include "switchboard/server/path.hpp"

#include "switchboard/sdk/utf8.hpp"
#include "switchboard/server/server.hpp"

namespace switchboard::server {

namespace {

int hex(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One segment decoded; false when an escape is malformed or decodes to a
// character a segment may not hold.
bool decode_segment(std::string_view raw, std::string &out, std::string &why) {
  out.clear();
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out.push_back(raw[i]);
      continue;
    }
    const int hi = i + 1 < raw.size() ? hex(raw[i + 1]) : -1;
    const int lo = i + 2 < raw.size() ? hex(raw[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      why = "malformed percent escape in the path";
      return false;
    }
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '/' || c == '\0') {
      why = c == '/' ? "an encoded '/' in the path" : "an encoded NUL in the path";
      return false;
    }
    out.push_back(c);
    i += 2;
  }
  if (!valid_utf8(out)) {
    why = "the path is not valid UTF-8";
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> normalize_path(std::string_view raw, std::string &why) {
  if (raw.empty() || raw.front() != '/') {
    why = "the path must start with '/'";
    return std::nullopt;
  }
  std::vector<std::string> segments;
  std::string decoded;
  std::size_t at = 0;
  while (at <= raw.size()) {
    const auto slash = raw.find('/', at);
    const auto end = slash == std::string_view::npos ? raw.size() : slash;
    if (!decode_segment(raw.substr(at, end - at), decoded, why)) return std::nullopt;
    if (decoded == "..") {
      if (segments.empty()) {
        why = "the path climbs above the root";
        return std::nullopt;
      }
      segments.pop_back();
    } else if (!decoded.empty() && decoded != ".") {
      segments.push_back(decoded);
    }
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  return segments;
}

std::string join_path(const std::vector<std::string> &segments) {
  if (segments.empty()) return "/";
  std::string out;
  for (const auto &s : segments) out.append("/").append(s);
  return out;
}

bool valid_utf8(std::string_view text) noexcept {
  return sdk::valid_utf8(text);
}

std::string percent_decode(std::string_view text, bool query) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(query && c == '+' ? ' ' : c);
    }
  }
  return out;
}

}  // namespace switchboard::server
