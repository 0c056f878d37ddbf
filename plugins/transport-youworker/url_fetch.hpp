// Fetching a page to ingest, so that it cannot become a way into the
// operator's network: off unless configured, only hosts on the allowlist,
// only http and https, no redirects, a size and a time limit, and no
// connection to a loopback, private, link-local or otherwise internal
// address unless allowed, checked on the address actually connected to (a
// name that resolves inside is refused too).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace youworker {

struct UrlFetchSettings {
  bool enabled = false;
  std::vector<std::string> allowed_hosts;  // "example.com", or ".example.com" for it and its subdomains
  std::size_t max_bytes = 5 * 1024 * 1024;
  long timeout_ms = 10000;
  bool allow_private = false;
};

UrlFetchSettings read_url_fetch(const nlohmann::json &block);

struct Fetched {
  std::string body;
  std::string content_type;
};

struct FetchRefusal {
  int status;  // 403 refused by the rules, 413 too large, 502 the fetch failed, 504 too slow
  std::string message;
};

// Whether an IPv4 or IPv6 address (text) is internal: loopback, private,
// link-local, carrier-grade NAT, unique local, unspecified, multicast.
bool internal_address(const std::string &ip);

// The host of an http(s) URL, lower-case ("" when it is not one, or carries
// user:password@).
std::string url_host(const std::string &url);

// Blocks (call it from a worker). The fetched page, or why not.
std::optional<Fetched> fetch(const UrlFetchSettings &settings, const std::string &url, FetchRefusal &refusal);

}  // namespace youworker
