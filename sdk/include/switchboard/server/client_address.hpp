// Which address a request comes from. Behind a load balancer the TCP peer
// is the balancer; only a peer inside `trusted_proxies` is believed when it
// says who its client was (X-Forwarded-For, or Forwarded: for=). The
// client is the rightmost address in that list that is not itself a
// trusted proxy: addresses further left were written by the client.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/server/server.hpp"

namespace switchboard::server {

// An IPv4 or IPv6 network, "10.0.0.0/8", "::1/128" or a bare address.
class Network {
 public:
  // nullopt when the text is not a network.
  static std::optional<Network> parse(std::string_view cidr);
  bool contains(std::string_view address) const;

 private:
  bool v6_ = false;
  unsigned char bytes_[16] = {};
  unsigned prefix_ = 0;
};

bool any_contains(const std::vector<Network> &networks, std::string_view address);

// The client's address for limits and logs.
std::string client_address(const Request &request, const std::vector<Network> &trusted_proxies);

}  // namespace switchboard::server
