#include "plugin_test/resources.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace switchboard::plugin_test {
namespace {

int count_fds() {
  int n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n - 1;  // the directory's own descriptor
}

int count_threads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return 0;
}

std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

}  // namespace

Resources measure() {
  ::malloc_trim(0);
  return Resources{count_fds(), count_threads(), resident_bytes()};
}

Resources settle(int threads, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  // Polling /proc: a thread's exit raises no event this process can wait on.
  while (count_threads() > threads && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return measure();
}

std::string describe(const Resources &before, const Resources &after) {
  char rss[32];
  std::snprintf(rss, sizeof rss, "%+.1f MB", static_cast<double>(after.rss_bytes - before.rss_bytes) / 1e6);
  return "fds " + std::to_string(before.fds) + " -> " + std::to_string(after.fds) + ", threads " +
         std::to_string(before.threads) + " -> " + std::to_string(after.threads) + ", RSS " + rss;
}

}  // namespace switchboard::plugin_test
