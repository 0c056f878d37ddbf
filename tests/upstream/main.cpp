// switchboard-upstream: the local provider stand-in as a program, for demos
// and for driving the real binary against it.
//
//   switchboard-upstream [--port N] [--key KEY] [--reply TEXT] [--transcript TEXT]
//                        [--until stdin|signal]
//
// Prints "listening on http://127.0.0.1:PORT", then serves until stdin closes
// (or, with --until signal, until SIGTERM or SIGINT), or it is killed.
// Faults: POST /_upstream/faults {"route":..,"kind":..}.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include "upstream/upstream.hpp"

int main(int argc, char **argv) {
  switchboard::upstream::Script script;
  std::uint16_t port = 0;
  bool until_signal = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--port") {
      port = static_cast<std::uint16_t>(std::stoi(value));
    } else if (flag == "--key") {
      script.api_key = value;
    } else if (flag == "--reply") {
      script.reply = value;
    } else if (flag == "--transcript") {
      script.transcript = value;
    } else if (flag == "--until" && (value == "stdin" || value == "signal")) {
      until_signal = value == "signal";
    } else {
      std::cerr << "unknown option " << flag << "\n";
      return 2;
    }
  }
  // Blocked before any thread starts, so only sigwait takes them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (until_signal) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  switchboard::upstream::Upstream upstream(script, 2);
  upstream.start(port);
  std::cout << "listening on " << upstream.url() << std::endl;
  if (until_signal) {
    int taken = 0;
    sigwait(&stop_signals, &taken);
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
    }
  }
  upstream.stop();
  return 0;
}
