// Answers that come later than the handler: a body streamed as it is made
// (Response::stream) and a Response given from another thread
// (Response::defer), with abandonment heard when the client goes.
#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "conformance/sse_client.hpp"
#include "conformance/voice_client.hpp"
#include "support/done_signal.hpp"
#include "switchboard/server/server.hpp"

namespace switchboard::server {
namespace {

using namespace std::chrono_literals;

int port_of(const std::string &bound) {
  return std::stoi(bound.substr(bound.rfind(':') + 1));
}

// Chunks written by a thread as fast as it can, while the server writes
// the ones before: every one arrives, in order, and the body ends.
TEST(LateAnswer, EveryChunkOfAFastProducerArrivesInOrder) {
  constexpr int kChunks = 2000;
  Server::Hooks hooks;
  hooks.handle = [](const Request &) {
    Response r;
    r.content_type = "text/event-stream";
    r.stream = [](std::shared_ptr<Stream> s) {
      std::thread([s] {
        for (int i = 0; i < kChunks; ++i) s->write("data: " + std::to_string(i) + "\n\n");
        s->end();
      }).detach();
    };
    return r;
  };
  Server server(hooks, {});
  const int port = port_of(server.start("127.0.0.1:0"));
  for (int round = 0; round < 5; ++round) {
    const auto reply = test::sse_request(port, "GET", "/");
    ASSERT_EQ(reply.events.size(), static_cast<std::size_t>(kChunks)) << "round " << round;
    for (int i = 0; i < kChunks; ++i) ASSERT_EQ(reply.events[static_cast<std::size_t>(i)].data, std::to_string(i));
  }
  server.stop();
}

// A chunk leaves when it is written, not when the body ends.
TEST(LateAnswer, AChunkLeavesWhenWritten) {
  auto release = std::make_shared<test::DoneSignal>();
  Server::Hooks hooks;
  hooks.handle = [release](const Request &) {
    Response r;
    r.stream = [release](std::shared_ptr<Stream> s) {
      s->write("data: first\n\n");
      std::thread([s, release] {
        release->wait(10s);
        s->write("data: second\n\n");
        s->end();
      }).detach();
    };
    return r;
  };
  Server server(hooks, {});
  const int port = port_of(server.start("127.0.0.1:0"));
  // The second chunk waits for a signal sent only once the first arrived
  // (on another connection's thread here: the client reads on its own).
  std::thread releaser([release] {
    std::this_thread::sleep_for(300ms);  // longer than any first chunk takes
    release->set();
  });
  const auto reply = test::sse_request(port, "GET", "/");
  releaser.join();
  ASSERT_EQ(reply.events.size(), 2U);
  EXPECT_GE(reply.events[1].at - reply.events[0].at, 200ms);
  server.stop();
}

TEST(LateAnswer, AClientThatGoesAwayAbandonsTheStream) {
  auto abandoned = std::make_shared<test::DoneSignal>();
  Server::Hooks hooks;
  hooks.handle = [abandoned](const Request &) {
    Response r;
    r.stream = [abandoned](std::shared_ptr<Stream> s) {
      s->on_abandoned([abandoned] { abandoned->set(); });
      s->write("data: hello\n\n");  // and then nothing: the client leaves
    };
    return r;
  };
  Server server(hooks, {});
  const int port = port_of(server.start("127.0.0.1:0"));
  std::thread client([port] {
    // Reads the head and the first chunk, then closes.
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(request));
    char buffer[512];
    socket.read_some(boost::asio::buffer(buffer));
    socket.close();
  });
  client.join();
  EXPECT_TRUE(abandoned->wait(10s)) << "the producer never heard the client leave";
  server.stop();
}

TEST(LateAnswer, ADeferredAnswerComesFromAnotherThreadOrTimesOut) {
  Server::Hooks hooks;
  hooks.handle = [](const Request &req) {
    Response r;
    r.headers = {{"X-Early", "kept"}};
    const bool answer = req.path == "/answer";
    r.defer = [answer](std::shared_ptr<Reply> reply) {
      if (!answer) return;  // never answered
      std::thread([reply] { reply->send({201, "application/json", "{\"late\":true}", {}}); }).detach();
    };
    return r;
  };
  Limits limits;
  limits.idle_timeout = 500ms;
  Server server(hooks, limits);
  const int port = port_of(server.start("127.0.0.1:0"));
  const auto answered = test::http_request(port, "GET", "/answer");
  EXPECT_EQ(answered.status, 201);
  EXPECT_EQ(answered.json(), (nlohmann::json{{"late", true}}));
  EXPECT_EQ(answered.headers.at("x-early"), "kept") << "headers of the first answer hold for the late one";
  const auto silent = test::http_request(port, "GET", "/silent");
  EXPECT_EQ(silent.status, 504);
  server.stop();
}

}  // namespace
}  // namespace switchboard::server
