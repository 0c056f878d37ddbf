// Only a trusted proxy is believed about who its client was.
#include "switchboard/server/client_address.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

std::vector<Network> nets(std::initializer_list<const char *> cidrs) {
  std::vector<Network> out;
  for (const char *c : cidrs) out.push_back(*Network::parse(c));
  return out;
}

Request from(const std::string &peer, const std::string &xff, const std::string &forwarded = "") {
  Request r;
  r.remote = peer;
  if (!xff.empty()) r.headers["x-forwarded-for"] = xff;
  if (!forwarded.empty()) r.headers["forwarded"] = forwarded;
  return r;
}

TEST(Network, ParsesAndMatchesV4V6AndMappedAddresses) {
  const auto ten = *Network::parse("10.0.0.0/8");
  EXPECT_TRUE(ten.contains("10.200.1.1"));
  EXPECT_FALSE(ten.contains("11.0.0.1"));
  EXPECT_TRUE(ten.contains("::ffff:10.1.2.3"));
  const auto odd = *Network::parse("192.168.1.128/25");
  EXPECT_TRUE(odd.contains("192.168.1.200"));
  EXPECT_FALSE(odd.contains("192.168.1.100"));
  EXPECT_TRUE(Network::parse("::1")->contains("::1"));
  EXPECT_FALSE(Network::parse("::1")->contains("127.0.0.1"));
  EXPECT_TRUE(Network::parse("fd00::/8")->contains("fd12::1"));
  EXPECT_FALSE(Network::parse("10.0.0.0/33"));
  EXPECT_FALSE(Network::parse("not-an-address"));
  EXPECT_FALSE(Network::parse("10.0.0.0/"));
}

TEST(ClientAddress, AnUntrustedPeerIsItsOwnClientWhateverItClaims) {
  EXPECT_EQ(client_address(from("203.0.113.9", "1.1.1.1"), {}), "203.0.113.9");
  EXPECT_EQ(client_address(from("203.0.113.9", "1.1.1.1"), nets({"10.0.0.0/8"})), "203.0.113.9");
}

TEST(ClientAddress, BehindTrustedProxiesTheRightmostUntrustedAddressIsTheClient) {
  const auto trusted = nets({"10.0.0.0/8", "127.0.0.1"});
  // The client wrote a fake first entry; the proxy appended the real one.
  EXPECT_EQ(client_address(from("10.0.0.2", "6.6.6.6, 198.51.100.7"), trusted), "198.51.100.7");
  EXPECT_EQ(client_address(from("10.0.0.2", "198.51.100.7, 10.0.0.5"), trusted), "198.51.100.7");
  EXPECT_EQ(client_address(from("127.0.0.1", "", "for=192.0.2.60;proto=http;by=203.0.113.43"), trusted), "192.0.2.60");
  EXPECT_EQ(client_address(from("127.0.0.1", "", "for=\"[2001:db8:cafe::17]:4711\""), trusted), "2001:db8:cafe::17");
  EXPECT_EQ(client_address(from("127.0.0.1", "", "for=unknown"), trusted), "127.0.0.1");
  EXPECT_EQ(client_address(from("127.0.0.1", ""), trusted), "127.0.0.1");
}

}  // namespace
}  // namespace switchboard::server
