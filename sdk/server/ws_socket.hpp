// The server library's WebSocket (internal): what any thread sends goes
// through an outbox in the order of the calls and is written, one message
// at a time, on the connection's I/O thread, within a bounded queue.
#pragma once

#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "switchboard/server/server.hpp"

namespace switchboard::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;

// One WebSocket: a queue drained by one writer at a time, on its I/O thread.
class WsSocket final : public Socket, public std::enable_shared_from_this<WsSocket> {
 public:
  // `owner` keeps the server's I/O context alive as long as the socket: a
  // transport may hold a socket past the server's stop.
  WsSocket(std::shared_ptr<void> owner, beast::tcp_stream stream, const Limits &limits)
      : owner_(std::move(owner)), ws_(std::move(stream)), limits_(limits) {}

  bool send_text(std::string text) override { return enqueue(false, std::move(text)); }
  bool send_binary(std::string bytes) override { return enqueue(true, std::move(bytes)); }

  void close(std::uint16_t code, std::string reason) override { post_out({Out::Kind::close, std::move(reason), code}); }

  std::size_t queued_bytes() const override { return queued_.load(); }

  ws::stream<beast::tcp_stream> &stream() { return ws_; }

  // Ends the connection at once (the server is stopping).
  void abort() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

 private:
  // What a thread hands the socket: a message, or the close.
  struct Out {
    enum class Kind { text, binary, close } kind;
    std::string data;  // the message, or the close's reason
    std::uint16_t code = 0;
  };

  bool enqueue(bool binary, std::string data) {
    const std::size_t size = data.size();
    if (refusing_.load()) return false;
    if (queued_.fetch_add(size) + size > limits_.max_queue_bytes) {
      queued_.fetch_sub(size);
      // The client is not reading: a close frame would queue behind the
      // rest, so the connection is dropped at once.
      if (!refusing_.exchange(true)) abort();
      return false;
    }
    post_out({binary ? Out::Kind::binary : Out::Kind::text, std::move(data)});
    return true;
  }

  // [any-thread] Into the outbox, in the order the calls were made (a
  // message sent before a turn started leaves before that turn's messages,
  // whatever threads sent them); one hand-over to the socket's thread
  // takes everything that is there.
  void post_out(Out out) {
    bool schedule = false;
    {
      std::lock_guard lock(outbox_mutex_);
      outbox_.push_back(std::move(out));
      schedule = !outbox_scheduled_;
      outbox_scheduled_ = true;
    }
    if (schedule) asio::post(ws_.get_executor(), [self = shared_from_this()] { self->take_outbox(); });
  }

  // [socket's thread]
  void take_outbox() {
    std::deque<Out> arrived;
    {
      std::lock_guard lock(outbox_mutex_);
      arrived.swap(outbox_);
      outbox_scheduled_ = false;
    }
    for (auto &out : arrived) {
      if (closing_) {
        if (out.kind != Out::Kind::close) queued_.fetch_sub(out.data.size());
        continue;
      }
      if (out.kind == Out::Kind::close) {
        closing_ = true;
        close_reason_ = ws::close_reason(static_cast<ws::close_code>(out.code), out.data);
      } else {
        queue_.emplace_back(out.kind == Out::Kind::binary, std::move(out.data));
      }
    }
    pump();
  }

  void pump() {
    if (writing_ || (queue_.empty() && !(closing_ && !close_sent_))) return;
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_all(shared_from_this()), asio::detached);
  }

  static boost::asio::awaitable<void> write_all(std::shared_ptr<WsSocket> self) {
    try {
      while (!self->queue_.empty()) {
        auto [binary, data] = std::move(self->queue_.front());
        self->queue_.pop_front();
        self->ws_.binary(binary);
        co_await self->ws_.async_write(asio::buffer(data), asio::use_awaitable);
        self->queued_.fetch_sub(data.size());
      }
      if (self->closing_ && !self->close_sent_) {
        self->close_sent_ = true;
        co_await self->ws_.async_close(self->close_reason_, asio::use_awaitable);
      }
    } catch (const std::exception &) {
      // The reader sees the failure and ends the socket.
    }
    self->writing_ = false;
    if (!self->queue_.empty()) self->pump();
  }

  std::shared_ptr<void> owner_;  // declared first: goes last
  ws::stream<beast::tcp_stream> ws_;
  Limits limits_;
  std::deque<std::pair<bool, std::string>> queue_;  // the socket thread's
  std::mutex outbox_mutex_;
  std::deque<Out> outbox_;
  bool outbox_scheduled_ = false;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> refusing_{false};
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  ws::close_reason close_reason_;
};

}  // namespace switchboard::server
