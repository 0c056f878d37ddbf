// Runs a program for a test: arguments, extra environment, captured output,
// signals, and waiting for a line to appear (an event, not a sleep).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace switchboard::test {

class Process {
 public:
  Process(const std::string &program, const std::vector<std::string> &args,
          const std::map<std::string, std::string> &env = {});
  ~Process();
  Process(const Process &) = delete;
  Process &operator=(const Process &) = delete;

  // Waits until a line of stdout or stderr matches `pattern`; returns the
  // match or "" when the time runs out or the process ends first.
  std::string wait_for(const std::string &pattern, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void signal(int sig);
  // Waits for exit; returns the exit code, 128+signal when killed, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  std::string out();
  std::string err();
  pid_t pid() const noexcept { return pid_; }

 private:
  void pump(int fd, std::string &buffer);

  pid_t pid_ = -1;
  int status_ = -1;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_;
  std::string err_;
  int open_streams_ = 2;
  std::thread out_reader_;
  std::thread err_reader_;
};

struct RunResult {
  int code;
  std::string out;
  std::string err;
};

// Runs to completion, or is killed after `limit`.
RunResult run(const std::string &program, const std::vector<std::string> &args,
              const std::map<std::string, std::string> &env = {},
              std::chrono::seconds limit = std::chrono::seconds(60));

}  // namespace switchboard::test
