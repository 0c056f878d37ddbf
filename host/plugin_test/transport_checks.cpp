// The transport contract: start on port 0 and say where, stop and let the
// port go, ten times without a socket left behind; stop with clients
// connected returns and closes them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "plugin_test/calls.hpp"
#include "plugin_test/check.hpp"
#include "plugin_test/resources.hpp"
#include "plugin_test/streaming_session.hpp"
#include "switchboard/transport.h"

namespace switchboard::plugin_test {
namespace {

constexpr int kStarts = 10;
constexpr std::chrono::seconds kStopLimit{5};

// A client socket connected to 127.0.0.1:port, or -1.
int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string &text) {
  (void)!::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

// True when the peer closed the connection within `limit`.
bool closed_by_peer(int fd, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return true;  // EOF or reset
  }
}

class Transport {
 public:
  explicit Transport(KitInstance &instance) : instance_(instance), vt_(instance.vtable<sb_transport_vtable>()) {}

  // The bound port, or 0 with why in `error`; `broken` when the plugin broke
  // the contract rather than refused.
  int start(std::string &error, bool &broken) {
    broken = false;
    std::string bound;
    sb_sink out{[](void *u, const char *d, size_t n) { static_cast<std::string *>(u)->append(d, n); }, &bound};
    sb_error err = poisoned_error();
    sb_status s = SB_OK;
    guard("start()", [&] { s = vt_.start(instance_.handle(), "127.0.0.1:0", out, &err); });
    if (s != SB_OK) {
      const std::string p = error_problem(err);
      broken = !p.empty();
      error = p.empty() ? std::string(err.message) : "start() failed, and " + p;
      return 0;
    }
    const auto colon = bound.rfind(':');
    int port = 0;
    try {
      port = colon == std::string::npos ? 0 : std::stoi(bound.substr(colon + 1));
    } catch (const std::exception &) {
    }
    if (port <= 0 || port > 65535) {
      broken = true;
      error = "start() wrote '" + bound + "', not the bound host:port";
      return 0;
    }
    return port;
  }
  // False when stop() did not return within the limit.
  bool stop() {
    auto done = std::make_shared<std::promise<void>>();
    auto returned = done->get_future();
    std::thread([this, done] {
      guard("stop()", [&] { vt_.stop(instance_.handle()); });
      done->set_value();
    }).detach();
    return returned.wait_for(kStopLimit) == std::future_status::ready;
  }

 private:
  KitInstance &instance_;
  const sb_transport_vtable &vt_;
};

Verdict start_stop_cycles(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Transport t(s.instance());
  Resources before;
  for (int i = 0; i < kStarts + 1; ++i) {
    std::string error;
    bool broken = false;
    const int port = t.start(error, broken);
    if (port == 0) {
      if (i == 0 && !broken) return skip("start() failed here: " + error);
      return fail("start " + std::to_string(i + 1) + ": " + error);
    }
    const int client = connect_to(port);
    if (client < 0) return fail("start() said port " + std::to_string(port) + " but nothing accepts there");
    ::close(client);
    if (!t.stop()) return fail("stop() did not return within 5 s");
    const int late = connect_to(port);
    if (late >= 0) {
      ::close(late);
      return fail("after stop() port " + std::to_string(port) + " still accepts connections");
    }
    if (i == 0) before = measure();  // the first start loads what stays
  }
  const Resources after = settle(before.threads, std::chrono::seconds(2));
  if (after.fds > before.fds) return fail("sockets or files leak: " + describe(before, after));
  if (after.threads > before.threads) return fail("threads outlive stop(): " + describe(before, after));
  return s.verdict(pass(std::to_string(kStarts) + " starts and stops on port 0, " + describe(before, after)));
}

Verdict stop_with_clients(const Subject &subject) {
  StreamingSession s(subject);
  if (!s.ready()) return s.unready();
  Transport t(s.instance());
  std::string error;
  bool broken = false;
  const int port = t.start(error, broken);
  if (port == 0) return broken ? fail(error) : skip("start() failed here: " + error);
  std::vector<int> clients = {connect_to(port), connect_to(port), connect_to(port)};
  for (const int c : clients) {
    if (c < 0) return fail("a client could not connect");
  }
  send_all(clients[1], "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");  // a request cut short
  send_all(clients[2], "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  {
    pollfd p{clients[2], POLLIN, 0};
    ::poll(&p, 1, 2000);  // its answer, or whatever the transport makes of it
  }
  if (!t.stop()) return fail("stop() did not return within 5 s with 3 clients connected");
  int open = 0;
  for (const int c : clients) {
    if (!closed_by_peer(c, std::chrono::milliseconds(2000))) ++open;
    ::close(c);
  }
  if (open > 0) return fail(std::to_string(open) + " of 3 clients' connections stayed open after stop() returned");
  return s.verdict(pass("stop() returned and closed 3 connections"));
}

}  // namespace

std::vector<Check> transport_checks() {
  return {
      {"start_stop_cycles", "transport.h", 15, "0 picks a free one) and writes the bound \"host:port\" to bound_out.",
       &start_stop_cycles},
      {"stop_with_clients", "transport.h", 18,
       "[main-thread, may block] Stops accepting, closes connections and returns", &stop_with_clients},
  };
}

}  // namespace switchboard::plugin_test
