#include "support/process.hpp"

#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace switchboard::test {

Process::Process(const std::string &program, const std::vector<std::string> &args,
                 const std::map<std::string, std::string> &env) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::map<std::string, std::string> merged;
  for (char **e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    merged[entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
  }
  for (const auto &[k, v] : env) merged[k] = v;
  std::vector<std::string> env_storage;
  for (const auto &[k, v] : merged) env_storage.push_back(k + "=" + v);
  std::vector<char *> envp;
  for (auto &e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  out_reader_ = std::thread([this, fd = out_pipe[0]] { pump(fd, out_); });
  err_reader_ = std::thread([this, fd = err_pipe[0]] { pump(fd, err_); });
}

Process::~Process() {
  if (status_ == -1) {
    signal(SIGKILL);
    wait();
  }
  out_reader_.join();
  err_reader_.join();
}

void Process::pump(int fd, std::string &buffer) {
  char chunk[4096];
  while (true) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) {
      break;
    }
    std::lock_guard lock(mutex_);
    buffer.append(chunk, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  --open_streams_;
  changed_.notify_all();
}

std::string Process::wait_for(const std::string &pattern, std::chrono::milliseconds timeout) {
  const std::regex re(pattern);
  std::smatch match;
  std::unique_lock lock(mutex_);
  std::string found;
  changed_.wait_for(lock, timeout, [&] {
    for (const std::string *buffer : {&out_, &err_}) {
      if (std::regex_search(*buffer, match, re)) {
        found = match.str(0);
        return true;
      }
    }
    return open_streams_ == 0;
  });
  return found;
}

void Process::signal(int sig) {
  if (pid_ > 0 && status_ == -1) {
    ::kill(pid_, sig);
  }
}

int Process::wait(std::chrono::milliseconds timeout) {
  if (status_ != -1) {
    return status_;
  }
  {
    // Both pipes reach end of file when the process exits: that is the event.
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [this] { return open_streams_ == 0; })) {
      return -1;
    }
  }
  int status = 0;
  ::waitpid(pid_, &status, 0);
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return status_;
}

std::string Process::out() {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string Process::err() {
  std::lock_guard lock(mutex_);
  return err_;
}

RunResult run(const std::string &program, const std::vector<std::string> &args,
              const std::map<std::string, std::string> &env, std::chrono::seconds limit) {
  Process p(program, args, env);
  const int code = p.wait(limit);
  return {code, p.out(), p.err()};
}

}  // namespace switchboard::test
