#include "switchboard/http/url.hpp"

#include <cctype>

namespace switchboard::http {

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string url(base);
  url.append("/").append(path);
  return url;
}

std::string encode_component(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>> &pairs) {
  std::string out;
  for (const auto &[key, value] : pairs) {
    out.append(out.empty() ? "?" : "&").append(encode_component(key)).append("=").append(encode_component(value));
  }
  return out;
}

bool split_url(std::string_view url, UrlParts &out) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  out.scheme.clear();
  for (char c : url.substr(0, scheme_end))
    out.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  const bool tls = out.scheme == "https" || out.scheme == "wss";
  if (!tls && out.scheme != "http" && out.scheme != "ws") return false;
  auto rest = url.substr(scheme_end + 3);
  const auto slash = rest.find_first_of("/?#");
  auto authority = rest.substr(0, slash);
  out.target.clear();
  if (slash == std::string_view::npos || rest[slash] != '/') out.target.push_back('/');
  if (slash != std::string_view::npos) out.target.append(rest.substr(slash, rest.find('#', slash) - slash));
  // user:password@ is not part of the host.
  out.userinfo = false;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
    out.userinfo = true;
  }
  if (authority.empty()) return false;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  out.host = std::string(host);
  out.port = port.empty() ? (tls ? "443" : "80") : std::string(port);
  return !out.host.empty();
}

}  // namespace switchboard::http
