// URLs for provider endpoints: a configured base joined with a path, query
// values encoded.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchboard::http {

// base "https://api.openai.com/v1/" + path "/chat/completions" with exactly
// one slash between them.
std::string join_url(std::string_view base, std::string_view path);

// Percent-encodes a query value or path segment (RFC 3986 unreserved kept).
std::string encode_component(std::string_view text);

// "?a=1&b=x%20y" from pairs (empty pairs: empty string).
std::string query_string(const std::vector<std::pair<std::string, std::string>> &pairs);

// The parts of an http(s)/ws(s) URL.
struct UrlParts {
  std::string scheme;  // lower-case
  std::string host;
  std::string port;       // the scheme's default when absent
  std::string target;     // path and query, "/" at least (no fragment)
  bool userinfo = false;  // the URL carried user:password@ before the host
};

// False when the URL is not absolute http, https, ws or wss.
bool split_url(std::string_view url, UrlParts &out);

}  // namespace switchboard::http
