#include "switchboard/server/client_address.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/ip/address.hpp>

#include "ascii.hpp"

namespace switchboard::server {

using ascii::trim;

namespace {

// The bytes of an address; IPv4-mapped IPv6 counts as IPv4.
bool address_bytes(std::string_view text, bool &v6, unsigned char (&out)[16]) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  v6 = a.is_v6();
  std::memset(out, 0, sizeof out);
  if (v6) {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), out);
  } else {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out);
  }
  return true;
}

// "1.2.3.4", "[::1]:80", "\"[2001:db8::1]\"", "1.2.3.4:5678" → the address.
std::string bare(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    return std::string(s.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  if (std::count(s.begin(), s.end(), ':') == 1) s = s.substr(0, s.find(':'));
  return std::string(s);
}

// The addresses a proxy chain wrote, leftmost first.
std::vector<std::string> forwarded_chain(const Request &r) {
  std::vector<std::string> out;
  const auto split = [](std::string_view text, char sep, auto each) {
    while (!text.empty()) {
      const auto at = text.find(sep);
      each(text.substr(0, at));
      if (at == std::string_view::npos) break;
      text.remove_prefix(at + 1);
    }
  };
  const std::string forwarded = r.header("forwarded");
  if (!forwarded.empty()) {
    split(forwarded, ',', [&](std::string_view element) {
      split(element, ';', [&](std::string_view pair) {
        pair = trim(pair);
        if (pair.size() > 4 && (pair.substr(0, 4) == "for=" || pair.substr(0, 4) == "For=")) {
          out.push_back(bare(pair.substr(4)));
        }
      });
    });
    return out;
  }
  split(r.header("x-forwarded-for"), ',', [&](std::string_view item) {
    if (!trim(item).empty()) out.push_back(bare(item));
  });
  return out;
}

}  // namespace

std::optional<Network> Network::parse(std::string_view cidr) {
  Network n;
  const auto slash = cidr.find('/');
  if (!address_bytes(cidr.substr(0, slash), n.v6_, n.bytes_)) return std::nullopt;
  const unsigned bits = n.v6_ ? 128 : 32;
  n.prefix_ = bits;
  if (slash != std::string_view::npos) {
    const auto digits = cidr.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) {
      return std::nullopt;
    }
    n.prefix_ = static_cast<unsigned>(std::stoi(std::string(digits)));
    if (n.prefix_ > bits) return std::nullopt;
  }
  return n;
}

bool Network::contains(std::string_view address) const {
  bool v6 = false;
  unsigned char b[16];
  if (!address_bytes(address, v6, b) || v6 != v6_) return false;
  const unsigned whole = prefix_ / 8;
  if (std::memcmp(b, bytes_, whole) != 0) return false;
  const unsigned rest = prefix_ % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (b[whole] & mask) == (bytes_[whole] & mask);
}

bool any_contains(const std::vector<Network> &networks, std::string_view address) {
  return std::any_of(networks.begin(), networks.end(), [&](const Network &n) { return n.contains(address); });
}

std::string client_address(const Request &request, const std::vector<Network> &trusted_proxies) {
  if (trusted_proxies.empty() || !any_contains(trusted_proxies, request.remote)) return request.remote;
  const auto chain = forwarded_chain(request);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!any_contains(trusted_proxies, *it)) {
      bool v6 = false;
      unsigned char b[16];
      // Not an address (an obfuscated "_hidden" or "unknown"): the proxy
      // is the best we know.
      return address_bytes(*it, v6, b) ? *it : request.remote;
    }
  }
  return chain.empty() ? request.remote : chain.front();
}

}  // namespace switchboard::server
