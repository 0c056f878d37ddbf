// What the load generator's clients share: Asio coroutines, a connection
// to the server, and the totals each client adds its own to when it is
// done.
#pragma once

#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <chrono>
#include <mutex>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

template <typename Result>
struct Totals {
  std::mutex mutex;
  Result result;
};

// Reads a WebSocket's messages until it ends, each to `on_message` as text.
template <typename WebSocket, typename OnMessage>
awaitable<void> read_messages(WebSocket &socket, OnMessage on_message) {
  beast::flat_buffer buffer;
  try {
    for (;;) {
      co_await socket.async_read(buffer, use_awaitable);
      const auto data = buffer.data();
      on_message(std::string_view(static_cast<const char *>(data.data()), data.size()));
      buffer.consume(buffer.size());
    }
  } catch (const std::exception &) {
  }
}

// A connection to host:port.
inline awaitable<beast::tcp_stream> connect(const std::string &host, int port) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  co_await stream.async_connect(co_await resolver.async_resolve(host, std::to_string(port), use_awaitable),
                                use_awaitable);
  co_return stream;
}

}  // namespace loadgen
