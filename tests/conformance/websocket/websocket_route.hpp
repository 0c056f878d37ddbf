// A WebSocket route under test by the protocol conformance cases
// (websocket_cases.cpp): where it is, and how to tell that it understood a
// message. The cases are the server-side groups of Autobahn|Testsuite
// (framing, ping/pong, reserved bits, opcodes, fragmentation, UTF-8, the
// close handshake, limits), written against RFC 6455; each test binary
// that runs them says which routes it has (ws_routes) and how to reach
// one (ws_route), starting whatever serves it.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace switchboard::test {

struct WsRoute {
  int port = 0;
  std::string target;  // path and query
  std::map<std::string, std::string> headers = {};
  std::size_t max_message_bytes = 0;
  // A text message of exactly `size` bytes (at least min_message_bytes)
  // with `note` (valid UTF-8) somewhere inside, that the route answers; empty
  // function for a route that answers no message (a feed).
  std::function<std::string(std::size_t size, const std::string &note)> message = nullptr;
  std::size_t min_message_bytes = 0;
  // Whether a text frame from the server is the answer to `sent`.
  std::function<bool(const std::string &sent, const std::string &reply)> answers = nullptr;
};

// Defined by each binary that runs the cases.
std::vector<std::string> ws_routes();
const WsRoute &ws_route(const std::string &name);

// A JSON message padded with spaces after its last brace to `size` bytes;
// `note` goes in the string field `field`.
std::string padded_json(const std::string &head, const std::string &field, const std::string &note, std::size_t size);

class WebSocketConformance : public ::testing::TestWithParam<std::string> {
 protected:
  const WsRoute &route() const { return ws_route(GetParam()); }
};
// The cases that need the route to answer messages (not a feed); each
// binary instantiates them with the routes that do.
class WebSocketMessageConformance : public WebSocketConformance {};
// Binary messages echoed: the server library's echo only (each API gives
// binary messages a meaning of its own, held by its conformance tests).
class WebSocketBinaryEchoConformance : public WebSocketConformance {};

}  // namespace switchboard::test
