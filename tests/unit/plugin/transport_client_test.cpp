#include "plugin/transport_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

bool can_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

TEST(TransportClient, StartReportsTheBoundPortAndStopReleasesIt) {
  test::TestHost host;
  auto transport = host.create("fixture-transport-socket");
  std::string bound;
  ASSERT_TRUE(start_transport(*transport, "127.0.0.1:0", bound).ok());
  ASSERT_EQ(bound.rfind("127.0.0.1:", 0), 0u) << bound;
  const int port = std::stoi(bound.substr(10));
  EXPECT_GT(port, 0);
  EXPECT_TRUE(can_connect(port));
  stop_transport(*transport);
  EXPECT_FALSE(can_connect(port));
}

TEST(TransportClient, StartFailureComesBackAsAnOutcome) {
  test::TestHost host;
  auto transport = host.create("fixture-transport-socket");
  std::string bound;
  const auto outcome = start_transport(*transport, "not-an-ip:80", bound);
  EXPECT_EQ(outcome.status, sdk::Status::invalid_input);
  EXPECT_EQ(outcome.message, "not an IPv4 address: not-an-ip:80");
}

}  // namespace
}  // namespace switchboard::plugin
