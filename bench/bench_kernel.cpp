// What the kernel charges, on this machine, for each system call a voice
// frame costs the server: the price list behind docs/performance.md's
// account of a frame (how many of each a frame takes is counted under load
// with `perf stat -e 'syscalls:sys_enter_*' --per-thread`).
// - BM_NullSyscall: entering and leaving the kernel, nothing done.
// - BM_RecvNothingThere: the read Asio 1.18 tries after each message, which
//   finds the socket empty (EAGAIN).
// - BM_EpollWaitNothingReady: a look for readiness that finds none.
// - BM_LoopbackFrame: one 20 ms JSON frame (900 bytes) sent over TCP on
//   127.0.0.1 and read at the other end; the send includes the delivery.
// - BM_WakeAnotherThread: a thread blocked in epoll_wait woken through an
//   eventfd and answering the same way: two wake-ups and two context
//   switches per iteration, what an idle I/O thread pays when a frame comes.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>

namespace {

constexpr std::size_t kFrameBytes = 900;  // {"type":"audio","data":"<856 base64>","seq":N}

// A connected TCP pair on 127.0.0.1, both ends non-blocking.
struct LoopbackPair {
  int client = -1;
  int server = -1;
  LoopbackPair() {
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
        ::listen(listener, 1) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
      throw std::runtime_error("no listening socket on 127.0.0.1");
    }
    client = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(client, reinterpret_cast<sockaddr *>(&a), sizeof a);  // EINPROGRESS, then accepted below
    server = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
    ::close(listener);
    if (client < 0 || server < 0) throw std::runtime_error("no loopback connection");
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~LoopbackPair() {
    ::close(client);
    ::close(server);
  }
};

void BM_NullSyscall(benchmark::State &state) {
  for (auto _ : state) benchmark::DoNotOptimize(::syscall(SYS_getppid));
}
BENCHMARK(BM_NullSyscall);

void BM_RecvNothingThere(benchmark::State &state) {
  LoopbackPair pair;
  char buffer[4096];
  for (auto _ : state) {
    if (::recv(pair.server, buffer, sizeof buffer, 0) != -1 || errno != EAGAIN) {
      state.SkipWithError("the socket was not empty");
      return;
    }
  }
}
BENCHMARK(BM_RecvNothingThere);

void BM_EpollWaitNothingReady(benchmark::State &state) {
  LoopbackPair pair;
  const int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, pair.server, &ev);
  epoll_event out[64];
  for (auto _ : state) benchmark::DoNotOptimize(::epoll_wait(ep, out, 64, 0));
  ::close(ep);
}
BENCHMARK(BM_EpollWaitNothingReady);

void BM_LoopbackFrame(benchmark::State &state) {
  LoopbackPair pair;
  const std::string frame(kFrameBytes, 'A');
  char buffer[4096];
  for (auto _ : state) {
    if (::send(pair.client, frame.data(), frame.size(), 0) != static_cast<ssize_t>(frame.size()) ||
        ::recv(pair.server, buffer, sizeof buffer, 0) != static_cast<ssize_t>(frame.size())) {
      state.SkipWithError("the frame did not go through whole");
      return;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kFrameBytes));
}
BENCHMARK(BM_LoopbackFrame);

void BM_WakeAnotherThread(benchmark::State &state) {
  const int to_peer = ::eventfd(0, EFD_NONBLOCK);
  const int to_us = ::eventfd(0, EFD_NONBLOCK);
  auto wait_on = [](int fd) {
    const int ep = ::epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return ep;
  };
  const int peer_ep = wait_on(to_peer);
  const int our_ep = wait_on(to_us);
  std::thread peer([&] {
    epoll_event ev{};
    std::uint64_t n = 0;
    for (;;) {
      ::epoll_wait(peer_ep, &ev, 1, -1);
      ::read(to_peer, &n, sizeof n);
      if (n == 2) return;  // the benchmark is over
      const std::uint64_t one = 1;
      ::write(to_us, &one, sizeof one);
    }
  });
  epoll_event ev{};
  std::uint64_t n = 0;
  const std::uint64_t one = 1;
  for (auto _ : state) {
    ::write(to_peer, &one, sizeof one);
    ::epoll_wait(our_ep, &ev, 1, -1);
    ::read(to_us, &n, sizeof n);
  }
  const std::uint64_t stop = 2;
  ::write(to_peer, &stop, sizeof stop);
  peer.join();
  for (int fd : {to_peer, to_us, peer_ep, our_ep}) ::close(fd);
}
BENCHMARK(BM_WakeAnotherThread)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
