// The HTTP client every provider plugin shares: libcurl's multi interface
// driven by one Boost.Asio thread (curl_multi_socket_action), so any number
// of concurrent streaming calls needs no thread each. Connections are kept
// alive and reused, HTTP/2 is used where a TLS server offers it, TLS is
// verified. Calls never retry on their own: a failure is reported with its
// status, and the host's resilience layer decides what happens next.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "switchboard/http/request.hpp"

namespace switchboard::http {

class Client;

// One call in flight. Dropping the handle does not stop the call; cancel()
// does (its on_done then reports cancelled, unless it had already ended).
class Call {
 public:
  Call(std::weak_ptr<Client> client, std::uint64_t id) : client_(std::move(client)), id_(id) {}
  // [any-thread, non-blocking] Stops the call and releases its connection.
  void cancel() const;

 private:
  std::weak_ptr<Client> client_;
  std::uint64_t id_;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  struct Stats {
    std::size_t active_calls = 0;          // started and not yet done
    std::uint64_t connections_opened = 0;  // sockets opened so far
    std::size_t connections_open = 0;      // sockets open now (in use or idle)
  };

  // The client of this loaded library: made on first use, its thread stopped
  // when the last user lets go of it.
  static std::shared_ptr<Client> shared();

  // A client with its own I/O thread.
  static std::shared_ptr<Client> create();

  ~Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  // [any-thread, non-blocking] Starts a call; its handlers run on the I/O
  // thread. on_done always comes, exactly once.
  Call start(Request request, Handlers handlers);

  // The I/O thread's context, for other protocols on the same thread (the
  // WebSocket client).
  boost::asio::io_context &context() noexcept;

  Stats stats() const;

 private:
  friend class Call;
  struct Impl;
  Client();
  void cancel(std::uint64_t id);

  std::shared_ptr<Impl> impl_;
};

}  // namespace switchboard::http
