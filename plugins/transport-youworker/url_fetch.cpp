#include "url_fetch.hpp"

#include "switchboard/http/url.hpp"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace youworker {
namespace {

bool allowed(const UrlFetchSettings &s, const std::string &host) {
  return std::any_of(s.allowed_hosts.begin(), s.allowed_hosts.end(), [&](const std::string &rule) {
    if (!rule.empty() && rule.front() == '.') {
      return host == rule.substr(1) ||
             (host.size() > rule.size() && host.compare(host.size() - rule.size(), rule.size(), rule) == 0);
    }
    return host == rule;
  });
}

struct Transfer {
  const UrlFetchSettings *settings;
  std::string body;
  bool too_large = false;
  bool internal = false;  // a connection to an internal address was refused
};

std::size_t on_data(char *data, std::size_t size, std::size_t count, void *user) {
  auto *t = static_cast<Transfer *>(user);
  const std::size_t n = size * count;
  if (t->body.size() + n > t->settings->max_bytes) {
    t->too_large = true;
    return 0;
  }
  t->body.append(data, n);
  return n;
}

// Every connection curl opens is checked against the address it goes to.
curl_socket_t open_socket(void *user, curlsocktype, curl_sockaddr *address) {
  auto *t = static_cast<Transfer *>(user);
  char ip[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(&address->addr)->sin_addr, ip, sizeof ip);
  } else if (address->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6 *>(&address->addr)->sin6_addr, ip, sizeof ip);
  } else {
    t->internal = true;
    return CURL_SOCKET_BAD;
  }
  if (!t->settings->allow_private && internal_address(ip)) {
    t->internal = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

UrlFetchSettings read_url_fetch(const nlohmann::json &block) {
  UrlFetchSettings s;
  if (!block.is_object()) return s;
  s.enabled = block.value("enabled", s.enabled);
  s.allowed_hosts = block.value("allowed_hosts", s.allowed_hosts);
  s.max_bytes = block.value("max_bytes", s.max_bytes);
  s.timeout_ms = block.value("timeout_ms", s.timeout_ms);
  s.allow_private = block.value("allow_private", s.allow_private);
  return s;
}

bool internal_address(const std::string &ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    const std::uint32_t a = ntohl(v4.s_addr);
    auto in = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) || in(0xAC100000, 12) ||
           in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xC0000000, 24) || in(0xC6120000, 15) || a >= 0xE0000000;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) != 1) return true;  // not an address: refused
  const auto *b = v6.s6_addr;
  const bool unspecified_or_loopback = std::all_of(b, b + 15, [](unsigned char x) { return x == 0; }) && b[15] <= 1;
  const bool v4_mapped =
      std::all_of(b, b + 10, [](unsigned char x) { return x == 0; }) && b[10] == 0xFF && b[11] == 0xFF;
  if (v4_mapped) {
    char mapped[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, b + 12, mapped, sizeof mapped);
    return internal_address(mapped);
  }
  return unspecified_or_loopback || (b[0] & 0xFE) == 0xFC /* fc00::/7 */ || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) ||
         b[0] == 0xFF;
}

std::string url_host(const std::string &url) {
  switchboard::http::UrlParts parts;
  if (!switchboard::http::split_url(url, parts) || (parts.scheme != "http" && parts.scheme != "https") ||
      parts.userinfo) {
    return {};
  }
  std::string host = parts.host;
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  return host;
}

std::optional<Fetched> fetch(const UrlFetchSettings &settings, const std::string &url, FetchRefusal &refusal) {
  if (!settings.enabled) {
    refusal = {403, "URL ingestion is off (ingestion.url.enabled in the transport's config)"};
    return std::nullopt;
  }
  const std::string host = url_host(url);
  if (host.empty()) {
    refusal = {400, "url must be an http:// or https:// URL without user:password@"};
    return std::nullopt;
  }
  if (!allowed(settings, host)) {
    refusal = {403, "the host '" + host + "' is not on the ingestion allowlist"};
    return std::nullopt;
  }
  CURL *curl = curl_easy_init();
  if (curl == nullptr) {
    refusal = {502, "the URL could not be fetched"};
    return std::nullopt;
  }
  Transfer t{&settings, {}, false, false};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, settings.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(settings.max_bytes));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "Switchboard-ingestion");
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &open_socket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  char *type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  const std::string content_type = type != nullptr ? type : "";
  curl_easy_cleanup(curl);
  const std::string limit = std::to_string(settings.max_bytes);
  if (t.internal) {
    refusal = {403, "the host '" + host + "' resolves to an internal address, which ingestion does not fetch"};
  } else if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    refusal = {413, "the page is larger than " + limit + " bytes"};
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    refusal = {504, "the page did not arrive within " + std::to_string(settings.timeout_ms) + " ms"};
  } else if (rc != CURLE_OK) {
    refusal = {502, std::string("the URL could not be fetched: ") + curl_easy_strerror(rc)};
  } else if (status >= 300 && status < 400) {
    refusal = {502, "the URL redirects (HTTP " + std::to_string(status) + "); redirects are not followed"};
  } else if (status < 200 || status >= 300) {
    refusal = {502, "the URL answered HTTP " + std::to_string(status)};
  } else {
    return Fetched{std::move(t.body), content_type};
  }
  return std::nullopt;
}

}  // namespace youworker
