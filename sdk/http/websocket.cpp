// Beast's WebSocket stream in Asio coroutines: one for connect + reading,
// one writer draining a queue, both on the I/O thread.
#include "switchboard/http/websocket.hpp"

#include <deque>
#include <mutex>
#include <optional>
#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "switchboard/http/status_map.hpp"
#include "switchboard/http/url.hpp"

namespace switchboard::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;
using asio::use_awaitable;

namespace {

std::shared_ptr<asio::ssl::context> tls_context(bool verify, const std::string &ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  if (verify) {
    ctx->set_verify_mode(asio::ssl::verify_peer);
    if (ca_file.empty()) {
      ctx->set_default_verify_paths();
    } else {
      ctx->load_verify_file(ca_file);
    }
  } else {
    ctx->set_verify_mode(asio::ssl::verify_none);
  }
  return ctx;
}

template <class Stream>
class Session final : public WebSocket, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(asio::io_context &io, Options options, Handlers handlers, UrlParts url,
          std::shared_ptr<asio::ssl::context> tls, Args &&...stream_args)
      : io_(io),
        options_(std::move(options)),
        handlers_(std::move(handlers)),
        url_(std::move(url)),
        tls_(std::move(tls)),
        ws_(std::forward<Args>(stream_args)...) {}

  void start() { asio::co_spawn(io_, run(this->shared_from_this()), asio::detached); }

  void send_text(std::string text) override { enqueue(false, std::move(text)); }
  void send_binary(std::string bytes) override { enqueue(true, std::move(bytes)); }

  void close() override {
    asio::post(io_, [self = this->shared_from_this()] {
      self->closing_ = true;
      self->pump();
    });
  }

  void cancel() override {
    asio::post(io_, [self = this->shared_from_this()] {
      if (self->ended_) return;
      self->cancelled_ = true;
      boost::system::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

 private:
  struct Message {
    bool binary;
    std::string data;
  };

  void enqueue(bool binary, std::string data) {
    asio::post(io_, [self = this->shared_from_this(), binary, data = std::move(data)]() mutable {
      if (self->ended_ || self->closing_) return;
      self->queue_.push_back({binary, std::move(data)});
      self->pump();
    });
  }

  // Starts the writer when there is something to write and nobody writing.
  void pump() {
    if (!open_ || writing_ || ended_) return;
    if (queue_.empty() && !(closing_ && !close_sent_)) return;
    writing_ = true;
    asio::co_spawn(io_, write_all(this->shared_from_this()), asio::detached);
  }

  static asio::awaitable<void> write_all(std::shared_ptr<Session> self) {
    try {
      while (!self->queue_.empty()) {
        Message m = std::move(self->queue_.front());
        self->queue_.pop_front();
        self->ws_.binary(m.binary);
        co_await self->ws_.async_write(asio::buffer(m.data), use_awaitable);
      }
      if (self->closing_ && !self->close_sent_) {
        self->close_sent_ = true;
        co_await self->ws_.async_close(ws::close_code::normal, use_awaitable);
      }
    } catch (const boost::system::system_error &) {
      // The reader sees the same failure and reports it.
    }
    self->writing_ = false;
    self->pump();
  }

  static asio::awaitable<void> run(std::shared_ptr<Session> self) {
    sdk::Outcome outcome;
    ws::response_type response;
    try {
      asio::ip::tcp::resolver resolver(self->io_);
      // A cancel that comes before the socket is open has nothing to close:
      // each step of the connection looks for it.
      const auto go_on = [&self] {
        if (self->cancelled_) throw boost::system::system_error(asio::error::operation_aborted);
      };
      const auto endpoints = co_await resolver.async_resolve(self->url_.host, self->url_.port, use_awaitable);
      go_on();
      auto &tcp = beast::get_lowest_layer(self->ws_);
      tcp.expires_after(self->options_.connect_timeout);
      co_await tcp.async_connect(endpoints, use_awaitable);
      go_on();
      if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        auto &tls = self->ws_.next_layer();
        if (!SSL_set_tlsext_host_name(tls.native_handle(), self->url_.host.c_str())) {
          throw boost::system::system_error(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        }
        if (self->options_.verify_tls) tls.set_verify_callback(asio::ssl::host_name_verification(self->url_.host));
        co_await tls.async_handshake(asio::ssl::stream_base::client, use_awaitable);
      }
      self->ws_.set_option(ws::stream_base::decorator([headers = self->options_.headers](ws::request_type &req) {
        for (const auto &h : headers) req.set(h.name, h.value);
      }));
      co_await self->ws_.async_handshake(response, self->url_.host, self->url_.target, use_awaitable);
      go_on();
      tcp.expires_never();
      self->ws_.set_option(ws::stream_base::timeout::suggested(beast::role_type::client));
      self->open_ = true;
      if (self->handlers_.on_open) self->handlers_.on_open();
      self->pump();
      beast::flat_buffer buffer;
      for (;;) {
        co_await self->ws_.async_read(buffer, use_awaitable);
        if (self->ws_.got_text() && self->handlers_.on_text) {
          const auto data = buffer.data();
          self->handlers_.on_text(std::string_view(static_cast<const char *>(data.data()), data.size()));
        }
        buffer.consume(buffer.size());
      }
    } catch (const boost::system::system_error &e) {
      if (self->cancelled_) {
        outcome = {sdk::Status::cancelled, "cancelled", 0};
      } else if (e.code() == ws::error::closed ||
                 (e.code() == asio::ssl::error::stream_truncated && self->ws_.reason().code != ws::close_code::none)) {
        // Closed; many TLS servers skip close_notify after the WebSocket
        // close handshake, which is no failure. A close code other than
        // normal or going away is the server's error.
        const auto reason = self->ws_.reason();
        if (reason.code != ws::close_code::none && reason.code != ws::close_code::normal &&
            reason.code != ws::close_code::going_away) {
          outcome = {
              sdk::Status::retryable,
              "closed by the server (" + std::to_string(reason.code) + "): " + std::string(reason.reason.c_str()), 0};
        } else {
          outcome = {};
        }
      } else if (!self->open_ && e.code() == ws::error::upgrade_declined) {
        outcome = outcome_for_response(response.result_int(), response.body(),
                                       std::string(response[beast::http::field::retry_after]));
      } else if (e.code() == beast::error::timeout) {
        outcome = {sdk::Status::retryable, "timed out connecting to " + self->url_.host, 0};
      } else if (!self->open_ && e.code().category() == asio::error::get_ssl_category()) {
        outcome = {sdk::Status::fatal, "TLS: " + e.code().message(), 0};
      } else {
        outcome = {sdk::Status::retryable, e.code().message(), 0};
      }
    } catch (const std::exception &e) {
      outcome = {sdk::Status::retryable, e.what(), 0};
    }
    self->ended_ = true;
    self->queue_.clear();
    boost::system::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
    outcome.message = scrub(std::move(outcome.message), self->options_.secrets);
    if (self->handlers_.on_close) {
      try {
        self->handlers_.on_close(outcome);
      } catch (...) {
        // Handlers must not throw; the socket is over either way.
      }
    }
    self->handlers_ = {};
  }

  asio::io_context &io_;
  Options options_;
  Handlers handlers_;
  UrlParts url_;
  std::shared_ptr<asio::ssl::context> tls_;  // outlives the stream that uses it
  ws::stream<Stream> ws_;
  std::deque<Message> queue_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool cancelled_ = false;
  bool ended_ = false;
};

// Reports a failure to connect at all, on the I/O thread like any other.
class Refused final : public WebSocket {
 public:
  static std::shared_ptr<WebSocket> make(asio::io_context &io, Handlers handlers, sdk::Outcome outcome) {
    asio::post(io, [h = std::move(handlers), outcome = std::move(outcome)] {
      if (h.on_close) h.on_close(outcome);
    });
    return std::make_shared<Refused>();
  }
  void send_text(std::string) override {}
  void send_binary(std::string) override {}
  void close() override {}
  void cancel() override {}
};

}  // namespace

std::shared_ptr<WebSocket> WebSocket::connect(asio::io_context &io, Options options, Handlers handlers) {
  UrlParts url;
  if (!split_url(options.url, url)) {
    return Refused::make(io, std::move(handlers), {sdk::Status::fatal, "not a ws:// or wss:// URL: " + options.url, 0});
  }
  if (url.scheme == "wss" || url.scheme == "https") {
    std::shared_ptr<asio::ssl::context> ctx;
    try {
      ctx = tls_context(options.verify_tls, options.ca_file);
    } catch (const std::exception &e) {
      return Refused::make(io, std::move(handlers), {sdk::Status::fatal, std::string("TLS setup: ") + e.what(), 0});
    }
    using Tls = beast::ssl_stream<beast::tcp_stream>;
    auto s = std::make_shared<Session<Tls>>(io, std::move(options), std::move(handlers), std::move(url), ctx, io, *ctx);
    s->start();
    return s;
  }
  auto s = std::make_shared<Session<beast::tcp_stream>>(io, std::move(options), std::move(handlers), std::move(url),
                                                        nullptr, io);
  s->start();
  return s;
}

}  // namespace switchboard::http
