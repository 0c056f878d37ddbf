#include "system_usage.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace voxtral {

namespace {

// A "Name:   N kB" line of a /proc file, in kB.
std::optional<double> proc_kb(const char *file, const std::string &name) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + ":", 0) == 0) {
      std::istringstream fields(line.substr(name.size() + 1));
      double kb = 0;
      if (fields >> kb) return kb;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> memory_percent() {
  const auto rss = proc_kb("/proc/self/status", "VmRSS");
  const auto total = proc_kb("/proc/meminfo", "MemTotal");
  if (!rss || !total || *total <= 0) return std::nullopt;
  return 100.0 * *rss / *total;
}

std::optional<double> cpu_percent() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  const auto close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0, start = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
    if (i == 22) {
      start = std::stod(field);
      break;
    }
  }
  std::ifstream uptime_file("/proc/uptime");
  double uptime = 0;
  if (!(uptime_file >> uptime)) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double alive = uptime - start / ticks;
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  if (alive <= 0) return std::nullopt;
  return 100.0 * (utime + stime) / ticks / alive / cores;
}

}  // namespace voxtral
