// The small HTTP + WebSocket server every transport plugin builds on
// (Boost.Beast, Asio coroutines): a listener, keep-alive HTTP with a
// request handler, WebSocket upgrades handed to the transport, and the
// limits a public server needs (body and message size, handshake and idle
// timeouts, connections in total, a bounded outgoing queue per socket).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::server {

struct Limits {
  std::size_t max_body_bytes = 1 << 20;       // HTTP request body
  std::size_t max_message_bytes = 4 << 20;    // one WebSocket message
  std::size_t max_queue_bytes = 8 << 20;      // unsent bytes per socket; past it the client is too slow
  std::size_t max_connections = 10000;        // open at once
  std::size_t max_connections_per_ip = 1000;  // open at once from one address
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds idle_timeout{120000};  // HTTP keep-alive; WebSocket with no message either way
  std::size_t max_header_bytes = 16 * 1024;        // past it: 431
  // At stop: how long WebSockets have to finish their close handshake
  // (code 1012, Service Restart), and requests being answered to finish,
  // before they are cut.
  std::chrono::milliseconds close_grace{2000};
  // Peers not held to max_connections_per_ip (trusted proxies, whose
  // connections carry many clients).
  std::function<bool(const std::string &ip)> per_ip_exempt;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as sent
  std::string path;    // without the query, percent-decoded
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body = {};
  std::string remote;  // the peer's address

  std::string header(const std::string &lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The same without a copy ("" when absent).
  std::string_view header_view(const std::string &lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string_view() : std::string_view(it->second);
  }
};

class Stream;
class Reply;

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body = {};
  std::vector<std::pair<std::string, std::string>> headers = {};
  // When set, the server calls it off the I/O threads (it may block, e.g. a
  // reload) and sends what it returns instead.
  std::function<Response()> later = nullptr;
  // When set, the body is a stream (Server-Sent Events, say): the server
  // sends the status and headers at once with chunked transfer encoding
  // (`body` is ignored), then calls this with the stream, whose writes leave
  // as chunks in order until it ends.
  std::function<void(std::shared_ptr<Stream>)> stream = nullptr;
  // When set, the answer comes later from any thread, without holding one:
  // the server calls this with a Reply and sends the Response given to its
  // send(). Past Limits::idle_timeout without one, the client gets a 504.
  std::function<void(std::shared_ptr<Reply>)> defer = nullptr;
};

// Both kinds of late answer can be abandoned: the client went away, the
// server is stopping, or (for a Reply) it took too long. The producer then
// hears it once, to stop what it was doing for the client.
class Abandonable {
 public:
  virtual ~Abandonable() = default;
  // [any-thread] `f` runs once when the answer is abandoned (at once if it
  // already was); never after the answer was complete.
  virtual void on_abandoned(std::function<void()> f) = 0;
};

// A Response given later.
class Reply : public virtual Abandonable {
 public:
  // [any-thread] Once; later calls and calls after abandonment do nothing.
  virtual void send(Response response) = 0;
};

// A response body being sent as it is made.
class Stream : public virtual Abandonable {
 public:
  // [any-thread] Queues one chunk. False when the client has gone, the
  // server is stopping or the queue is over the limit (the client reads too
  // slowly): the response is then abandoned and the rest is not wanted.
  virtual bool write(std::string chunk) = 0;
  // [any-thread] The body is complete: what is queued leaves, then the
  // terminating chunk. Once; writes after it are refused.
  virtual void end() = 0;
  // [any-thread] Whether writes are still wanted.
  virtual bool open() const = 0;
};

// One accepted WebSocket. Sends are queued and leave in order; a socket
// whose queue would pass max_queue_bytes is dropped at once (its reader is
// too slow for a close frame to get through either).
class Socket {
 public:
  virtual ~Socket() = default;
  // [any-thread] False when the socket is closing or its queue is full.
  virtual bool send_text(std::string text) = 0;
  virtual bool send_binary(std::string bytes) = 0;
  // [any-thread] Closes with a code and reason once the queue has left.
  virtual void close(std::uint16_t code, std::string reason) = 0;
  virtual std::size_t queued_bytes() const = 0;
};

// What the transport does with a socket's messages, on the socket's thread,
// one at a time.
struct SocketHandlers {
  std::function<void(std::string_view text)> on_text;
  std::function<void(std::string_view bytes)> on_binary;
  // Once, last: the socket is gone (either side closed, or it failed).
  std::function<void()> on_close;
};

class Server {
 public:
  struct Hooks {
    // An HTTP request (not an upgrade). Runs on an I/O thread; may not block long.
    std::function<Response(const Request &)> handle;
    // A WebSocket upgrade request: return a response to refuse it (status
    // != 101), or accept by returning status 101 and filling `handlers`,
    // which then receive the socket's messages. `on_open` gets the socket.
    std::function<Response(const Request &, SocketHandlers &handlers,
                           std::function<void(std::shared_ptr<Socket>)> &on_open)>
        upgrade;
    // How the server writes its own refusals (400, 413, 431, 500, 503) in
    // the transport's error format; {"detail": message} when unset.
    std::function<Response(int status, const std::string &message)> error;
  };

  Server(Hooks hooks, Limits limits, unsigned threads = 1);
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  // Listens on "host:port" (port 0: any free one); returns the bound
  // "host:port". Throws with the reason when it cannot.
  std::string start(const std::string &listen);
  // Stops accepting and closes every connection, joins the threads: idle
  // ones at once, each WebSocket with 1012 (Service Restart, "server
  // restarting: reconnect") once what was queued for it has left, a request
  // being answered once its answer is written; after limits.close_grace,
  // whatever is still open is cut.
  void stop();

  std::size_t open_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Percent-decoding of a path or query part ('+' is a space in a query).
std::string percent_decode(std::string_view text, bool query);

}  // namespace switchboard::server
