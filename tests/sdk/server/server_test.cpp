// The transports' server library: routing hooks, limits, and the bounded
// outgoing queue that disconnects a slow reader.
#include "switchboard/server/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "conformance/voice_client.hpp"
#include "support/done_signal.hpp"

namespace switchboard::server {
namespace {

int port_of(const std::string &bound) {
  return std::stoi(bound.substr(bound.rfind(':') + 1));
}

TEST(Server, PercentDecodingOfPathsAndQueries) {
  EXPECT_EQ(percent_decode("/voice/a%20b", false), "/voice/a b");
  EXPECT_EQ(percent_decode("a+b%2Bc", true), "a b+c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4") << "not an escape: kept";
}

TEST(Server, RequestsReachTheHandlerAndBodiesPastTheLimitGet413) {
  Server::Hooks hooks;
  hooks.handle = [](const Request &r) {
    return Response{
        200,
        "application/json",
        nlohmann::json{
            {"method", r.method}, {"path", r.path}, {"q", r.query.count("x") ? r.query.at("x") : ""}, {"body", r.body}}
            .dump(),
        {{"X-Seen", r.header("x-test")}}};
  };
  Limits limits;
  limits.max_body_bytes = 100;
  Server server(hooks, limits);
  const int port = port_of(server.start("127.0.0.1:0"));
  const auto r = test::http_request(port, "POST", "/a%2Fb?x=1+2", "hello", {{"X-Test", "yes"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), (nlohmann::json{{"method", "POST"}, {"path", "/a/b"}, {"q", "1 2"}, {"body", "hello"}}));
  EXPECT_EQ(r.headers.at("x-seen"), "yes");
  const auto big = test::http_request(port, "POST", "/", std::string(1000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_TRUE(big.json()["detail"].is_string());
  server.stop();
}

TEST(Server, ASlowReaderIsDisconnectedAndItsQueueStaysBounded) {
  constexpr std::size_t kQueue = 256 * 1024;
  std::shared_ptr<Socket> socket;
  test::DoneSignal opened;
  test::DoneSignal closed;
  Server::Hooks hooks;
  hooks.upgrade = [&](const Request &, SocketHandlers &h, std::function<void(std::shared_ptr<Socket>)> &on_open) {
    h.on_close = [&] { closed.set(); };
    on_open = [&](std::shared_ptr<Socket> s) {
      socket = std::move(s);
      opened.set();
    };
    return Response{101, "", "", {}};
  };
  Limits limits;
  limits.max_queue_bytes = kQueue;
  Server server(hooks, limits);
  const int port = port_of(server.start("127.0.0.1:0"));
  test::WsClient client(port, "/flood");  // connects and never reads
  ASSERT_TRUE(opened.wait());
  const std::string chunk(16 * 1024, 'a');
  int refused_at = -1;
  std::size_t most_queued = 0;
  for (int i = 0; i < 100000 && refused_at < 0; ++i) {
    if (!socket->send_text(chunk)) refused_at = i;
    most_queued = std::max(most_queued, socket->queued_bytes());
  }
  EXPECT_GE(refused_at, 0) << "sending to a reader that never reads must stop somewhere";
  EXPECT_LE(most_queued, kQueue) << "the queue never grows past its bound";
  EXPECT_TRUE(closed.wait()) << "the slow reader is disconnected";
  server.stop();
}

// A message sent on the socket's own thread, then one sent by another thread
// that the first send started (a turn's worker, say): they leave in that
// order, though the second is handed over while the first's handler runs.
TEST(Server, MessagesLeaveInTheOrderTheyWereSentWhateverThreadSentThem) {
  std::shared_ptr<Socket> socket;
  Server::Hooks hooks;
  hooks.upgrade = [&](const Request &, SocketHandlers &h, std::function<void(std::shared_ptr<Socket>)> &on_open) {
    h.on_text = [&](std::string_view) {
      for (int i = 0; i < 20; ++i) {
        socket->send_text(R"({"n":)" + std::to_string(2 * i) + "}");
        test::DoneSignal sent;
        std::thread worker([&, i] {
          socket->send_text(R"({"n":)" + std::to_string(2 * i + 1) + "}");
          sent.set();
        });
        EXPECT_TRUE(sent.wait());  // the handler is still running
        worker.join();
      }
    };
    on_open = [&](std::shared_ptr<Socket> s) { socket = std::move(s); };
    return Response{101, "", "", {}};
  };
  Server server(hooks, Limits{});
  const int port = port_of(server.start("127.0.0.1:0"));
  test::WsClient client(port, "/order");
  client.send_json({{"type", "go"}});
  for (int n = 0; n < 40; ++n) {
    const auto m = client.next();
    ASSERT_TRUE(m) << "message " << n;
    EXPECT_EQ((*m)["n"], n);
  }
  server.stop();
}

TEST(Server, StopClosesOpenSocketsAndReturns) {
  test::DoneSignal closed;
  Server::Hooks hooks;
  hooks.upgrade = [&](const Request &, SocketHandlers &h, std::function<void(std::shared_ptr<Socket>)> &) {
    h.on_close = [&] { closed.set(); };
    return Response{101, "", "", {}};
  };
  Server server(hooks, Limits{});
  const int port = port_of(server.start("127.0.0.1:0"));
  test::WsClient client(port, "/x");
  server.stop();
  EXPECT_TRUE(closed.wait(std::chrono::seconds(5)));
  EXPECT_EQ(server.open_connections(), 0U);
}

// stop() lets the port go before it returns, however quickly it is called,
// and leaves nothing open behind: started and stopped again and again, the
// process holds no more descriptors than after the first time.
TEST(Server, StopLetsThePortGoAndLeavesNoDescriptor) {
  const auto open_fds = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{});
  };
  long after_first = 0;
  for (int i = 0; i < 20; ++i) {
    Server server(Server::Hooks{}, Limits{});
    const int port = port_of(server.start("127.0.0.1:0"));
    server.stop();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_NE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0) << "round " << i;
    ::close(fd);
    if (i == 0) after_first = static_cast<long>(open_fds());
  }
  EXPECT_LE(static_cast<long>(open_fds()), after_first);
}

}  // namespace
}  // namespace switchboard::server
