// A WebSocket with nothing to say either way: pinged after half the idle
// timeout, kept while it answers, ended when it stops answering.
#include <chrono>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "support/raw_websocket.hpp"
#include "switchboard/server/server.hpp"

namespace switchboard::server {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kIdle = 1000ms;

// A server whose one route echoes each text message back.
struct EchoServer {
  EchoServer() : server(hooks(), limits()) {
    port = std::stoi(bound.assign(server.start("127.0.0.1:0")).substr(bound.rfind(':') + 1));
  }
  ~EchoServer() { server.stop(); }

  static Server::Hooks hooks() {
    Server::Hooks h;
    h.upgrade = [](const Request &, SocketHandlers &handlers, std::function<void(std::shared_ptr<Socket>)> &on_open) {
      auto socket = std::make_shared<std::weak_ptr<Socket>>();
      handlers.on_text = [socket](std::string_view text) {
        if (auto s = socket->lock()) s->send_text(std::string(text));
      };
      on_open = [socket](std::shared_ptr<Socket> s) { *socket = s; };
      return Response{101, "", "", {}};
    };
    return h;
  }
  static Limits limits() {
    Limits l;
    l.idle_timeout = kIdle;
    return l;
  }

  Server server;
  std::string bound;
  int port = 0;
};

// The server's next text message, past the pings it sends meanwhile
// (nullopt when the connection ended or nothing came).
std::optional<test::WsFrame> next_text(test::RawWebSocket &client) {
  for (;;) {
    auto frame = client.next_message(5s);
    if (!frame || frame->opcode == test::opcode::text) return frame;
  }
}

TEST(WebSocketIdle, AClientThatAnswersPingsStaysThroughManyIdleTimeouts) {
  EchoServer echo;
  test::RawWebSocket client(echo.port, "/echo");
  ASSERT_TRUE(client.open()) << client.failure();
  const auto start = Clock::now();
  int pings = 0;
  while (pings < 5) {
    const auto frame = client.next(5s);
    ASSERT_TRUE(frame) << (client.ended() ? "the server ended it" : "no ping came");
    ASSERT_EQ(frame->opcode, test::opcode::ping);
    ++pings;
    ASSERT_TRUE(client.send({test::opcode::pong, frame->payload}));
  }
  EXPECT_GE(Clock::now() - start, 2 * kIdle) << "five pings, half an idle timeout apart at least";
  // Still open: a message comes back.
  ASSERT_TRUE(client.send({test::opcode::text, "still here"}));
  const auto reply = next_text(client);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->payload, "still here");
}

TEST(WebSocketIdle, AClientThatStopsAnsweringIsEndedAfterTheIdleTimeout) {
  EchoServer echo;
  test::RawWebSocket client(echo.port, "/echo");
  ASSERT_TRUE(client.open()) << client.failure();
  const auto start = Clock::now();
  const auto ping = client.next(5s);
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->opcode, test::opcode::ping);
  EXPECT_GE(Clock::now() - start, kIdle / 2) << "not pinged before half the idle timeout";
  // Unanswered: the server gives up on the connection.
  const auto after = client.next(10s);
  EXPECT_FALSE(after) << "opcode " << after->opcode;
  EXPECT_TRUE(client.ended());
  EXPECT_GE(Clock::now() - start, kIdle) << "ended before the idle timeout had passed";
}

TEST(WebSocketIdle, MessagesAloneKeepAConnectionThatNeverAnswersPings) {
  EchoServer echo;
  test::RawWebSocket client(echo.port, "/echo");
  ASSERT_TRUE(client.open()) << client.failure();
  const auto start = Clock::now();
  int echoed = 0;
  // A message every tenth of the idle timeout, for three idle timeouts; pings
  // are read and never answered.
  while (Clock::now() - start < 3 * kIdle) {
    ASSERT_TRUE(client.send({test::opcode::text, "m"})) << "ended after " << echoed << " messages";
    ASSERT_TRUE(next_text(client)) << "ended after " << echoed << " messages";
    ++echoed;
    std::this_thread::sleep_for(kIdle / 10);  // the client's pace, not a wait for the server
  }
  EXPECT_GE(echoed, 20);
}

}  // namespace
}  // namespace switchboard::server
