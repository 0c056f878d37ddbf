#pragma once

#include <atomic>
#include <csignal>
#include <functional>
#include <thread>

namespace switchboard::app {

// The serve command's stop and reload signals (SIGINT, SIGTERM, SIGHUP),
// received by one thread that waits for them with sigwait while every other
// thread keeps them blocked. A handler would run on whichever thread the
// kernel picks, which may be busy or asleep where the signal is not looked at
// for a long time; a waiting thread takes each one as it comes.
class SignalWaiter {
 public:
  // Blocks the three signals in the calling thread, and so in every thread it
  // starts from now on. Call it before any thread is started: a signal that
  // arrives before a waiter exists stays pending and is not lost.
  static void block();

  // Calls on_signal(number) on the waiting thread for each signal received.
  explicit SignalWaiter(std::function<void(int)> on_signal);
  ~SignalWaiter();  // ends the waiting thread; the signals stay blocked
  SignalWaiter(const SignalWaiter &) = delete;
  SignalWaiter &operator=(const SignalWaiter &) = delete;

 private:
  std::atomic<bool> closing_{false};
  std::thread thread_;
};

}  // namespace switchboard::app
