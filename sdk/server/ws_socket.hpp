// The server library's WebSocket (internal): what any thread sends goes
// through an outbox in the order of the calls and is written, one message
// at a time, on the connection's I/O thread, within a bounded queue. A
// connection with nothing to say either way is pinged after half the idle
// timeout and ended when half another passes without a message or a pong.
#pragma once

#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
      : owner_(std::move(owner)), ws_(std::move(stream)), limits_(limits), idle_timer_(ws_.get_executor()) {}

  bool send_text(std::string text) override { return enqueue(false, std::move(text)); }
  bool send_binary(std::string bytes) override { return enqueue(true, std::move(bytes)); }

  void close(std::uint16_t code, std::string reason) override { post_out({Out::Kind::close, std::move(reason), code}); }

  std::size_t queued_bytes() const override { return queued_.load(); }

  ws::stream<beast::tcp_stream> &stream() { return ws_; }

  // [socket's thread] Starts watching for silence, once the socket is open.
  // Beast's own idle timeout re-arms a timer on every read, a frame's worth
  // of work on a voice socket; this one is armed once per half timeout and
  // a read only sets a flag (heard()).
  void watch_idle() {
    if (limits_.idle_timeout.count() <= 0) return;
    ws_.control_callback([this](ws::frame_type kind, beast::string_view) {
      if (kind == ws::frame_type::pong) heard_ = true;
    });
    arm_idle_timer();
  }
  // [socket's thread] A message came.
  void heard() noexcept { heard_ = true; }
  // [socket's thread] The reader is done.
  void stop_watching() { idle_timer_.cancel(); }

  // Ends the connection at once (the server is stopping).
  void abort() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

 private:
  // What a thread hands the socket: a message, or the close (and, on the
  // socket's thread, a ping).
  struct Out {
    enum class Kind { text, binary, close, ping } kind;
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
    {
      std::lock_guard lock(outbox_mutex_);
      arrived_.swap(outbox_);  // both keep their capacity: no allocation per hand-over
      outbox_scheduled_ = false;
    }
    for (auto &out : arrived_) {
      if (closing_) {
        if (out.kind != Out::Kind::close) queued_.fetch_sub(out.data.size());
        continue;
      }
      if (out.kind == Out::Kind::close) {
        closing_ = true;
        close_reason_ = ws::close_reason(static_cast<ws::close_code>(out.code), out.data);
      } else {
        queue_.push_back(std::move(out));
      }
    }
    arrived_.clear();
    pump();
  }

  void arm_idle_timer() {
    idle_timer_.expires_after(limits_.idle_timeout / 2);
    idle_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (auto self = weak.lock(); self && !ec) self->on_quiet_half();
    });
  }

  // Half an idle timeout has passed since the last look.
  void on_quiet_half() {
    if (closing_) return;  // the close handshake has its own timeout
    if (heard_) {
      heard_ = false;
      pinged_ = false;
    } else if (!pinged_) {
      pinged_ = true;
      queue_.push_back({Out::Kind::ping, {}});
      pump();
    } else {
      // Neither a message nor the pong in a whole idle timeout: gone.
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      return;
    }
    arm_idle_timer();
  }

  void pump() {
    if (writing_ || (queue_.empty() && !(closing_ && !close_sent_))) return;
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_all(shared_from_this()), asio::detached);
  }

  static boost::asio::awaitable<void> write_all(std::shared_ptr<WsSocket> self) {
    try {
      while (!self->queue_.empty()) {
        Out out = std::move(self->queue_.front());
        self->queue_.pop_front();
        if (out.kind == Out::Kind::ping) {
          co_await self->ws_.async_ping({}, asio::use_awaitable);
          continue;
        }
        self->ws_.binary(out.kind == Out::Kind::binary);
        co_await self->ws_.async_write(asio::buffer(out.data), asio::use_awaitable);
        self->queued_.fetch_sub(out.data.size());
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
  std::deque<Out> queue_;  // the socket thread's
  std::mutex outbox_mutex_;
  std::vector<Out> outbox_;
  std::vector<Out> arrived_;  // the socket thread's: the last hand-over
  bool outbox_scheduled_ = false;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> refusing_{false};
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  ws::close_reason close_reason_;
  asio::steady_timer idle_timer_;
  bool heard_ = true;    // a message or a pong since the last look
  bool pinged_ = false;  // a ping went out and nothing came since
};

}  // namespace switchboard::server
