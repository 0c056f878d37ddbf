// A WebSocket client (Boost.Beast) on the HTTP client's I/O thread, for
// providers that stream both ways (Deepgram live). ws:// and wss:// (TLS
// verified); a refused upgrade maps to a status like any HTTP error.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "switchboard/http/request.hpp"

namespace switchboard::http {

class WebSocket {
 public:
  struct Options {
    std::string url;  // ws:// or wss:// (http/https are taken as the same)
    std::vector<Header> headers;
    std::chrono::milliseconds connect_timeout{10000};
    bool verify_tls = true;
    std::string ca_file;
    std::vector<std::string> secrets;  // scrubbed from every message reported
  };
  // All on the I/O thread, one at a time.
  struct Handlers {
    std::function<void()> on_open;
    std::function<void(std::string_view text)> on_text;
    // Exactly once, last: ok when the socket closed normally (either side),
    // else why it failed (refused upgrade, connection lost, cancelled).
    std::function<void(const sdk::Outcome &outcome)> on_close;
  };

  virtual ~WebSocket() = default;

  // Connects in the background. Messages sent before it is open are queued.
  static std::shared_ptr<WebSocket> connect(boost::asio::io_context &io, Options options, Handlers handlers);

  // [any-thread] Queues a message; messages leave in order.
  virtual void send_text(std::string text) = 0;
  virtual void send_binary(std::string bytes) = 0;
  // [any-thread] Closes normally once everything queued has left.
  virtual void close() = 0;
  // [any-thread] Drops the connection now; on_close reports cancelled.
  virtual void cancel() = 0;
};

}  // namespace switchboard::http
