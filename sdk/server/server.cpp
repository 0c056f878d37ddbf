// The transport server: one I/O context per thread, each run by its one
// thread, and each connection on one of them (taken in turn), so a
// connection's handlers run one at a time without a strand and no lock is
// shared by the threads on the way of a message; one coroutine per
// connection, HTTP keep-alive until an upgrade hands the stream to a
// WebSocket whose writes drain a bounded queue.
#include "switchboard/server/server.hpp"

#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <algorithm>
#include <atomic>
#include <deque>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "body_stream.hpp"
#include "ws_socket.hpp"

namespace switchboard::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ws = beast::websocket;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

Request request_of(const http::request<http::string_body> &r, const std::string &remote) {
  Request out;
  out.method = std::string(r.method_string());
  out.target = std::string(r.target());
  const auto q = out.target.find('?');
  out.path = percent_decode(std::string_view(out.target).substr(0, q), false);
  if (q != std::string::npos) {
    std::string_view rest = std::string_view(out.target).substr(q + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      const auto pair = rest.substr(0, amp);
      const auto eq = pair.find('=');
      out.query[percent_decode(pair.substr(0, eq), true)] =
          eq == std::string_view::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  for (const auto &field : r) {
    std::string name(field.name_string());
    for (char &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = r.body();
  out.remote = remote;
  return out;
}

http::response<http::string_body> response_of(const Response &r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "switchboard");
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  for (const auto &[name, value] : r.headers) res.set(name, value);
  res.body() = r.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

Response default_error(int status, const std::string &message) {
  return {status, "application/json", nlohmann::json{{"detail", message}}.dump(), {}};
}

// Whether a read failed because the request broke HTTP (answered 400),
// rather than because the client went away or timed out.
bool malformed(const beast::error_code &ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message && ec != http::error::body_limit &&
         ec != http::error::header_limit;
}

}  // namespace

// A stopping server's close: RFC 6455's 1012, Service Restart (the client
// may reconnect, and behind a balancer reaches another host).
constexpr std::uint16_t kServiceRestart = 1012;
constexpr const char *kServiceRestartReason = "server restarting: reconnect";

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(Hooks h, Limits l, unsigned n) : hooks(std::move(h)), limits(std::move(l)), threads(std::max(1U, n)) {
    if (!hooks.error) hooks.error = default_error;
    for (unsigned i = 0; i < threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  }

  Response error(int status, const std::string &message) const { return hooks.error(status, message); }

  Hooks hooks;
  Limits limits;
  unsigned threads;
  // One per thread (the concurrency hint says so); the first also accepts.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::size_t next_context = 0;  // the accept loop's only
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> workers;

  asio::io_context &io() { return *contexts.front(); }
  std::atomic<std::size_t> open{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable all_closed;
  std::uint64_t next_id = 0;
  std::unordered_map<std::uint64_t, std::function<void()>> closers;  // live connections
  // What a stop does first for the connections that are not ended at once:
  // WebSockets get a close frame (1012) after what is queued; a request
  // being answered is left to finish. Both have the close grace.
  std::unordered_map<std::uint64_t, std::function<void()>> farewells;

  void set_farewell(std::uint64_t id, std::function<void()> farewell) {
    std::lock_guard lock(mutex);
    if (farewell) {
      farewells[id] = std::move(farewell);
    } else {
      farewells.erase(id);
    }
  }
  std::unordered_map<std::string, std::size_t> per_ip;
  // Blocking work (Response::later) runs here, never on the I/O threads.
  asio::thread_pool blocking{2};
  std::atomic<int> refusing{0};  // connections being told 503

  // Counts a connection from `ip`; false when that address has too many.
  bool admit(const std::string &ip) {
    if (limits.per_ip_exempt && limits.per_ip_exempt(ip)) return true;
    std::lock_guard lock(mutex);
    auto &n = per_ip[ip];
    if (n >= limits.max_connections_per_ip) return false;
    ++n;
    return true;
  }
  void release(const std::string &ip) {
    if (limits.per_ip_exempt && limits.per_ip_exempt(ip)) return;
    std::lock_guard lock(mutex);
    const auto it = per_ip.find(ip);
    if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
  }

  std::uint64_t track(std::function<void()> closer) {
    std::lock_guard lock(mutex);
    closers.emplace(++next_id, std::move(closer));
    return next_id;
  }
  void untrack(std::uint64_t id) {
    std::lock_guard lock(mutex);
    closers.erase(id);
    farewells.erase(id);
    if (closers.empty()) all_closed.notify_all();
  }

  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      auto &context = *contexts[next_context];
      next_context = (next_context + 1) % contexts.size();
      auto socket = co_await acceptor->async_accept(context.get_executor(), asio::redirect_error(use_awaitable, ec));
      if (ec) {
        if (stopping || !acceptor || !acceptor->is_open()) co_return;
        continue;  // e.g. too many open files: keep serving the others
      }
      const auto peer = socket.remote_endpoint(ec);
      const std::string ip = ec ? std::string() : peer.address().to_string();
      if (open.load() >= limits.max_connections || !admit(ip)) {
        // Told why, with a bounded number of such answers at once; past
        // that the connection is closed at once.
        if (refusing.load() < 64) {
          ++refusing;
          const auto executor = socket.get_executor();
          asio::co_spawn(executor, refuse(shared_from_this(), std::move(socket)), asio::detached);
        } else {
          socket.close(ec);
        }
        continue;
      }
      // Small messages (acknowledgements, events) leave at once: no Nagle
      // delay waiting for the client's ACK of the previous one.
      socket.set_option(tcp::no_delay(true), ec);
      ++open;
      const auto executor = socket.get_executor();
      asio::co_spawn(executor, serve(shared_from_this(), std::move(socket), ip), asio::detached);
    }
  }

  // 503 with Retry-After to a connection over the caps, then a brief
  // lingering close so the client reads it rather than a reset.
  static awaitable<void> refuse(std::shared_ptr<Impl> self, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::error_code ec;
    Response busy = self->error(503, "Too many connections; try again shortly");
    busy.headers.emplace_back("Retry-After", "1");
    auto res = response_of(busy, 11, false);
    stream.expires_after(std::chrono::seconds(1));
    co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    char sink[1024];
    for (int i = 0; i < 64 && !ec; ++i) {
      co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
    }
    stream.socket().close(ec);
    --self->refusing;
  }

  // Blocking work, on the pool: its parameters live in its own frame.
  static awaitable<Response> run_later(std::shared_ptr<Impl> self, std::function<Response()> later) {
    try {
      co_return later();
    } catch (const std::exception &) {
      co_return self->error(500, "Internal server error");
    }
  }

  // What a handler answers; Response::later runs on the blocking pool.
  static awaitable<Response> answer(std::shared_ptr<Impl> self, const Request &request) {
    Response out;
    try {
      out = self->hooks.handle ? self->hooks.handle(request) : self->error(404, "Not Found");
      if (out.later) {
        std::function<Response()> later;
        later.swap(out.later);
        out = co_await asio::co_spawn(self->blocking.get_executor(), run_later(self, std::move(later)), use_awaitable);
      }
    } catch (const std::exception &) {
      // The exception's text may name internals: it stays out of the body.
      out = self->error(500, "Internal server error");
    }
    co_return out;
  }

  // While a late answer is pending, stopping the server abandons it too.
  struct LateCloser {
    std::shared_ptr<Impl> self;
    std::uint64_t id;
    std::function<void()> plain;
    LateCloser(std::shared_ptr<Impl> s, std::uint64_t i, const std::shared_ptr<LateAnswer> &late)
        : self(std::move(s)), id(i) {
      {
        std::lock_guard lock(self->mutex);
        auto &closer = self->closers[id];
        plain = closer;
        closer = [weak = std::weak_ptr<LateAnswer>(late), plain = plain] {
          if (auto l = weak.lock()) l->abandon(l);
          plain();
        };
      }
      if (self->stopping) late->abandon(late);
    }
    ~LateCloser() {
      std::lock_guard lock(self->mutex);
      if (const auto it = self->closers.find(id); it != self->closers.end()) it->second = plain;
    }
  };

  // [connection's thread] Sleeps until the late answer is woken; false when
  // Limits::idle_timeout passed first.
  static awaitable<bool> wait(std::shared_ptr<Impl> self, LateAnswer &late) {
    late.wake().expires_after(self->limits.idle_timeout);
    beast::error_code ec;
    co_await late.wake().async_wait(asio::redirect_error(use_awaitable, ec));
    co_return ec == asio::error::operation_aborted;
  }

  // A deferred answer: waits for the Reply's Response (a 504 past the idle
  // timeout).
  static awaitable<Response> await_reply(std::shared_ptr<Impl> self, beast::tcp_stream &stream, Response answer,
                                         std::uint64_t id) {
    auto reply = std::make_shared<LateReply>(stream.get_executor());
    const LateCloser closer(self, id, reply);
    try {
      answer.defer(reply);
    } catch (const std::exception &) {
      reply->send(self->error(500, "Internal server error"));
    }
    // What the gateway added to the first answer (CORS, say) holds for the
    // late one.
    auto with_headers = [&answer](Response r) {
      for (const auto &header : answer.headers) {
        const bool present =
            std::any_of(r.headers.begin(), r.headers.end(), [&](const auto &h) { return h.first == header.first; });
        if (!present) r.headers.push_back(header);
      }
      return r;
    };
    for (;;) {
      if (auto r = reply->take()) co_return with_headers(std::move(*r));
      if (!co_await wait(self, *reply)) {
        reply->abandon(reply);
        if (auto r = reply->take()) co_return with_headers(std::move(*r));
        co_return self->error(504, "The answer took too long");
      }
      if (self->stopping) co_return self->error(503, "The server is stopping");
    }
  }

  // While a body streams, nobody reads the connection: this does, so a
  // client that leaves abandons the body at once. What it reads (a
  // pipelined request) stays in `buffer` for the next request. It is over
  // before the stream's coroutine goes on (`finish`).
  struct PeerWatch {
    explicit PeerWatch(const asio::any_io_executor &strand) : finished(strand) {
      finished.expires_at(asio::steady_timer::time_point::max());
    }
    asio::steady_timer finished;
    bool done = false;

    static awaitable<void> watch(std::shared_ptr<PeerWatch> self, beast::tcp_stream &stream, beast::flat_buffer &buffer,
                                 std::shared_ptr<BodyStream> body) {
      beast::error_code ec;
      const std::size_t n =
          co_await stream.async_read_some(buffer.prepare(4096), asio::redirect_error(use_awaitable, ec));
      buffer.commit(n);
      if (ec && ec != asio::error::operation_aborted) body->abandon(body);
      self->done = true;
      self->finished.cancel();
    }
    // Stops the read (if it still waits) and waits for it to be over.
    awaitable<void> finish(beast::tcp_stream &stream) {
      if (done) co_return;
      beast::error_code ignored;
      stream.socket().cancel(ignored);
      while (!done) co_await finished.async_wait(asio::redirect_error(use_awaitable, ignored));
    }
  };

  // A streamed body: the head at once, then each chunk as it is queued,
  // then the last chunk. False when the connection cannot go on (the body
  // was abandoned or the client went away).
  static awaitable<bool> send_stream(std::shared_ptr<Impl> self, beast::tcp_stream &stream, beast::flat_buffer &buffer,
                                     Response answer, unsigned version, bool keep_alive, std::uint64_t id) {
    http::response<http::empty_body> head{static_cast<http::status>(answer.status), version};
    head.set(http::field::server, "switchboard");
    if (!answer.content_type.empty()) head.set(http::field::content_type, answer.content_type);
    for (const auto &[name, value] : answer.headers) head.set(name, value);
    head.keep_alive(keep_alive);
    head.chunked(true);
    http::response_serializer<http::empty_body> serializer{head};
    beast::error_code ec;
    stream.expires_after(self->limits.idle_timeout);
    co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    auto body = std::make_shared<BodyStream>(stream.get_executor(), self->limits.max_queue_bytes);
    const LateCloser closer(self, id, body);
    // However this ends, a producer still writing hears that nobody reads.
    struct Abandon {
      std::shared_ptr<BodyStream> body;
      ~Abandon() { body->abandon(body); }
    } abandon_at_exit{body};
    auto watch = std::make_shared<PeerWatch>(stream.get_executor());
    asio::co_spawn(stream.get_executor(), PeerWatch::watch(watch, stream, buffer, body), asio::detached);
    bool ok = true;
    try {
      answer.stream(body);
    } catch (const std::exception &) {
      ok = false;
    }
    while (ok) {
      auto taken = body->take();
      for (const auto &chunk : taken.chunks) {
        if (chunk.empty()) continue;  // an empty chunk would end the body
        stream.expires_after(self->limits.idle_timeout);
        co_await asio::async_write(stream, http::make_chunk(asio::buffer(chunk)),
                                   asio::redirect_error(use_awaitable, ec));
        if (ec) break;
      }
      if (ec || taken.abandoned) {
        ok = false;
        break;
      }
      if (taken.over) break;
      // What came while those were written is taken before sleeping: its
      // wake-up was spent while no one waited.
      if (!taken.chunks.empty()) continue;
      if (!co_await wait(self, *body)) ok = false;  // the producer fell silent
    }
    co_await watch->finish(stream);
    if (!ok) co_return false;
    stream.expires_after(self->limits.idle_timeout);
    co_await asio::async_write(stream, http::make_chunk_last(), asio::redirect_error(use_awaitable, ec));
    co_return keep_alive && !ec;
  }

  static awaitable<void> serve(std::shared_ptr<Impl> self, tcp::socket socket, std::string remote) {
    beast::tcp_stream stream(std::move(socket));
    // The closer may be called (by stop()) just as this connection ends on
    // its own: it reaches the stream only on the connection's thread, and only while
    // this frame, which owns the stream, is still there.
    auto alive = std::make_shared<bool>(true);
    const auto id = self->track([executor = stream.get_executor(), &stream, alive] {
      asio::post(executor, [&stream, alive] {
        if (!*alive) return;
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.socket().close(ignored);
      });
    });
    beast::flat_buffer buffer;
    std::shared_ptr<WsSocket> upgraded;
    SocketHandlers handlers;
    bool first = true;
    try {
      for (;;) {
        stream.expires_after(first ? self->limits.handshake_timeout : self->limits.idle_timeout);
        first = false;
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(self->limits.max_header_bytes));
        parser.body_limit(self->limits.max_body_bytes);
        beast::error_code read_error;
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, read_error));
        std::optional<Response> refusal;
        if (read_error == http::error::body_limit) {
          refusal =
              self->error(413, "request body larger than " + std::to_string(self->limits.max_body_bytes) + " bytes");
        } else if (read_error == http::error::header_limit || read_error == http::error::buffer_overflow) {
          refusal = self->error(
              431, "request headers larger than " + std::to_string(self->limits.max_header_bytes) + " bytes");
        } else if (read_error && malformed(read_error)) {
          refusal = self->error(400, "malformed HTTP request: " + read_error.message());
        }
        if (refusal) {
          auto res = response_of(*refusal, 11, false);
          beast::error_code ignored;
          co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ignored));
          break;
        }
        if (read_error) break;
        auto raw = parser.release();
        const Request request = request_of(raw, remote);
        if (ws::is_upgrade(raw)) {
          std::function<void(std::shared_ptr<Socket>)> on_open;
          Response answer =
              self->hooks.upgrade ? self->hooks.upgrade(request, handlers, on_open) : self->error(404, "Not Found");
          if (answer.status != 101) {
            auto res = response_of(answer, raw.version(), false);
            co_await http::async_write(stream, res, use_awaitable);
            break;
          }
          stream.expires_never();
          upgraded = std::make_shared<WsSocket>(self, std::move(stream), self->limits);
          auto &w = upgraded->stream();
          w.read_message_max(self->limits.max_message_bytes);
          // Beast times the handshakes; silence is watched by the socket.
          w.set_option(ws::stream_base::timeout{self->limits.handshake_timeout, ws::stream_base::none(), false});
          co_await w.async_accept(raw, use_awaitable);
          {
            std::lock_guard lock(self->mutex);
            self->closers[id] = [weak = std::weak_ptr<WsSocket>(upgraded)] {
              if (auto s = weak.lock()) s->abort();
            };
            self->farewells[id] = [weak = std::weak_ptr<WsSocket>(upgraded)] {
              if (auto s = weak.lock()) s->close(kServiceRestart, kServiceRestartReason);
            };
          }
          // Stopping began while this upgrade was under way: its closer was
          // taken before the one above existed.
          if (self->stopping) upgraded->close(kServiceRestart, kServiceRestartReason);
          if (on_open) on_open(upgraded);
          upgraded->watch_idle();
          beast::flat_buffer message;
          for (;;) {
            co_await w.async_read(message, use_awaitable);
            upgraded->heard();
            const auto data = message.data();
            const std::string_view bytes(static_cast<const char *>(data.data()), data.size());
            if (w.got_text()) {
              if (handlers.on_text) handlers.on_text(bytes);
            } else if (handlers.on_binary) {
              handlers.on_binary(bytes);
            }
            message.consume(message.size());
          }
        }
        // A request being answered when the server stops gets the close
        // grace to finish (its farewell is to do nothing); an idle
        // keep-alive connection is ended at once.
        self->set_farewell(id, [] {});
        Response answer = co_await Impl::answer(self, request);
        if (answer.defer) answer = co_await await_reply(self, stream, std::move(answer), id);
        const bool keep_alive = raw.keep_alive() && !self->stopping;
        if (answer.stream) {
          if (!co_await send_stream(self, stream, buffer, std::move(answer), raw.version(), keep_alive, id)) break;
          self->set_farewell(id, nullptr);
          continue;
        }
        auto res = response_of(answer, raw.version(), keep_alive);
        co_await http::async_write(stream, res, use_awaitable);
        if (!keep_alive) break;
        self->set_farewell(id, nullptr);
      }
    } catch (const std::exception &) {
      // The client went away, broke the protocol or timed out.
    }
    if (upgraded) {
      upgraded->stop_watching();
      if (handlers.on_close) handlers.on_close();
      handlers = {};
      // A lingering close: stop sending, read what the client still sends
      // (briefly), then close. Closing with unread bytes would reset the
      // connection and the client might lose the close frame that says why.
      auto &tcp_stream = beast::get_lowest_layer(upgraded->stream());
      beast::error_code ec;
      tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      tcp_stream.expires_after(std::chrono::milliseconds(500));
      char sink[4096];
      for (int i = 0; i < 1024 && !ec; ++i) {
        co_await tcp_stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
      }
      tcp_stream.socket().close(ec);
    } else {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream.socket().close(ignored);
    }
    *alive = false;  // on the connection's thread, as the closer's post runs
    --self->open;
    self->release(remote);
    self->untrack(id);
  }
};

Server::Server(Hooks hooks, Limits limits, unsigned threads)
    : impl_(std::make_shared<Impl>(std::move(hooks), limits, threads)) {}

Server::~Server() {
  stop();
}

std::string Server::start(const std::string &listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("listen must be host:port, not '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const auto port = static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)));
  tcp::resolver resolver(impl_->io());
  const auto endpoint = resolver.resolve(host, std::to_string(port), tcp::resolver::passive)->endpoint();
  impl_->acceptor.emplace(impl_->io());
  impl_->acceptor->open(endpoint.protocol());
  impl_->acceptor->set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor->bind(endpoint);
  impl_->acceptor->listen(asio::socket_base::max_listen_connections);
  const auto bound = impl_->acceptor->local_endpoint();
  for (const auto &context : impl_->contexts) impl_->work.emplace_back(context->get_executor());
  asio::co_spawn(impl_->io(), impl_->accept_loop(), asio::detached);
  for (const auto &context : impl_->contexts) {
    impl_->workers.emplace_back([impl = impl_, &io = *context] { io.run(); });
  }
  const std::string address = bound.address().to_string();
  return (bound.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(bound.port());
}

void Server::stop() {
  if (impl_->workers.empty()) return;
  impl_->stopping = true;
  // Closed on an io thread (the accept loop's own) and waited for: once
  // stop() is under way the port is let go and nothing more is accepted.
  std::promise<void> closed;
  asio::post(impl_->io(), [impl = impl_, &closed] {
    boost::system::error_code ignored;
    if (impl->acceptor) impl->acceptor->close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();
  // WebSockets are told to reconnect (1012, once what is queued for them
  // has left) and requests being answered are left to finish, for the close
  // grace; idle connections are ended at once, and whatever is still open
  // after the grace.
  std::vector<std::function<void()>> farewells;
  {
    std::lock_guard lock(impl_->mutex);
    for (const auto &[id, farewell] : impl_->farewells) farewells.push_back(farewell);
  }
  for (auto &farewell : farewells) farewell();
  auto end_all = [&](std::chrono::milliseconds wait, bool sockets_too) {
    std::vector<std::function<void()>> closers;
    {
      std::lock_guard lock(impl_->mutex);
      for (const auto &[id, close] : impl_->closers) {
        if (sockets_too || impl_->farewells.count(id) == 0) closers.push_back(close);
      }
    }
    for (auto &close : closers) close();
    std::unique_lock lock(impl_->mutex);
    return impl_->all_closed.wait_for(lock, wait, [&] { return impl_->closers.empty(); });
  };
  if (!end_all(impl_->limits.close_grace, false)) end_all(std::chrono::seconds(10), true);
  impl_->blocking.join();
  impl_->work.clear();
  for (const auto &context : impl_->contexts) context->stop();
  for (auto &t : impl_->workers) t.join();
  impl_->workers.clear();
  // What the stop left queued (the accept loop's end, connections' last
  // steps, each holding the server) runs now, so nothing keeps it alive.
  for (const auto &context : impl_->contexts) context->restart();
  for (std::size_t ran = 1; ran > 0;) {
    ran = 0;
    for (const auto &context : impl_->contexts) ran += context->poll();
  }
}

std::size_t Server::open_connections() const {
  return impl_->open.load();
}

}  // namespace switchboard::server
