#include "app/signal_waiter.hpp"

#include <pthread.h>

namespace switchboard::app {
namespace {

sigset_t stop_and_reload() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void SignalWaiter::block() {
  const sigset_t set = stop_and_reload();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWaiter::SignalWaiter(std::function<void(int)> on_signal) {
  block();
  thread_ = std::thread([this, on_signal = std::move(on_signal)] {
    const sigset_t set = stop_and_reload();
    for (;;) {
      int number = 0;
      if (sigwait(&set, &number) != 0) continue;
      if (closing_) return;
      on_signal(number);
    }
  });
}

SignalWaiter::~SignalWaiter() {
  closing_ = true;
  // Directed at the waiting thread, which has it blocked and is in sigwait.
  pthread_kill(thread_.native_handle(), SIGHUP);
  thread_.join();
}

}  // namespace switchboard::app
