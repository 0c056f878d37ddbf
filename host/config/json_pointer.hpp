// Building JSON pointers (RFC 6901) from keys.
#pragma once

#include <string>
#include <string_view>

namespace switchboard::config {

// "/" + key with '~' and '/' escaped.
inline std::string pointer_token(std::string_view key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace switchboard::config
