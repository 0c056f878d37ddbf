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
// - BM_RealTimeFloor/N: the least any server and generator can spend here
//   on N real-time sessions. N loopback connections; one thread sends each
//   a 900-byte frame every 20 ms (the sessions spread over the 20 ms, as
//   loadgen spreads them), another takes them in through epoll, one read
//   per ready socket, and does nothing else: no WebSocket, no JSON, no
//   acknowledgement, no empty read. Counters: each thread's CPU per frame
//   (the loopback's delivery is charged to the sender, which runs it), and
//   `machine_pct`, the share of all the machine's cores N sessions take
//   that way. (The machine's own /proc/stat is too coarse here to add the
//   softirqs charged to no thread.)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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

double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

void BM_RealTimeFloor(benchmark::State &state) {
  const auto sessions = static_cast<std::size_t>(state.range(0));
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;  // two sockets a session
  ::setrlimit(RLIMIT_NOFILE, &files);
  std::vector<std::unique_ptr<LoopbackPair>> pairs;
  const int ep = ::epoll_create1(0);
  for (std::size_t i = 0; i < sessions; ++i) {
    pairs.push_back(std::make_unique<LoopbackPair>());
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = pairs.back()->server;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, pairs.back()->server, &ev);
  }
  std::atomic<bool> done{false};
  double receiver_cpu = 0;
  long received = 0;
  std::thread receiver([&] {
    const double start = thread_cpu_seconds();
    epoll_event events[256];
    char buffer[4096];
    while (!done.load(std::memory_order_relaxed)) {
      const int n = ::epoll_wait(ep, events, 256, 50);
      for (int i = 0; i < n; ++i) received += ::recv(events[i].data.fd, buffer, sizeof buffer, 0) > 0;
    }
    receiver_cpu = thread_cpu_seconds() - start;
  });
  const std::string frame(kFrameBytes, 'A');
  const double sender_before = thread_cpu_seconds();
  const auto wall_before = std::chrono::steady_clock::now();
  auto due = wall_before;
  long sent = 0;
  for (auto _ : state) {  // one iteration: 20 ms, every session sends one frame
    for (std::size_t tick = 0; tick < 20; ++tick) {
      due += std::chrono::milliseconds(1);
      std::this_thread::sleep_until(due);
      for (std::size_t i = tick; i < sessions; i += 20) {
        sent += ::send(pairs[i]->client, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size());
      }
    }
  }
  const double sender_cpu = thread_cpu_seconds() - sender_before;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  done = true;
  receiver.join();
  ::close(ep);
  const double frames = static_cast<double>(sent);
  state.counters["sender_us"] = 1e6 * sender_cpu / frames;
  state.counters["receiver_us"] = 1e6 * receiver_cpu / frames;
  state.counters["machine_pct"] =
      100 * (sender_cpu + receiver_cpu) / (wall * std::max(1u, std::thread::hardware_concurrency()));
  state.counters["received_pct"] = 100 * static_cast<double>(received) / frames;
}
BENCHMARK(BM_RealTimeFloor)
    ->Arg(250)
    ->Arg(500)
    ->Arg(750)
    ->Arg(1000)
    ->Iterations(150)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
