// The server library's WebSocket against the protocol conformance cases
// (tests/conformance/websocket/), as an echo: every text and binary
// message comes back as it was sent, so the framing cases see exactly what
// the server assembled.
#include "switchboard/server/server.hpp"

#include <memory>

#include "conformance/websocket/websocket_route.hpp"

namespace switchboard::test {
namespace {

constexpr std::size_t kMaxMessage = 128 * 1024;

struct EchoServer {
  EchoServer() {
    server::Server::Hooks hooks;
    hooks.upgrade = [](const server::Request &, server::SocketHandlers &h,
                       std::function<void(std::shared_ptr<server::Socket>)> &on_open) {
      // The socket arrives after the handlers are set, before any message.
      auto socket = std::make_shared<std::shared_ptr<server::Socket>>();
      on_open = [socket](std::shared_ptr<server::Socket> s) { *socket = std::move(s); };
      h.on_text = [socket](std::string_view text) { (*socket)->send_text(std::string(text)); };
      h.on_binary = [socket](std::string_view bytes) { (*socket)->send_binary(std::string(bytes)); };
      return server::Response{101, "", "", {}};
    };
    server::Limits limits;
    limits.max_message_bytes = kMaxMessage;
    server = std::make_unique<server::Server>(hooks, limits);
    const auto bound = server->start("127.0.0.1:0");
    route.port = std::stoi(bound.substr(bound.rfind(':') + 1));
    route.target = "/echo";
    route.max_message_bytes = kMaxMessage;
    route.message = [](std::size_t size, const std::string &note) {
      std::string text = note.substr(0, size);
      text.resize(size, '.');
      return text;
    };
    route.min_message_bytes = 0;
    route.answers = [](const std::string &sent, const std::string &reply) { return sent == reply; };
  }
  std::unique_ptr<server::Server> server;
  WsRoute route;
};

}  // namespace

std::vector<std::string> ws_routes() {
  return {"echo"};
}

const WsRoute &ws_route(const std::string &) {
  static EchoServer echo;
  return echo.route;
}

const auto kRouteName = [](const ::testing::TestParamInfo<std::string> &route_name) { return route_name.param; };
INSTANTIATE_TEST_SUITE_P(ServerLibrary, WebSocketConformance, ::testing::ValuesIn(ws_routes()), kRouteName);
INSTANTIATE_TEST_SUITE_P(ServerLibrary, WebSocketMessageConformance, ::testing::ValuesIn(ws_routes()), kRouteName);
INSTANTIATE_TEST_SUITE_P(ServerLibrary, WebSocketBinaryEchoConformance, ::testing::ValuesIn(ws_routes()), kRouteName);

}  // namespace switchboard::test
