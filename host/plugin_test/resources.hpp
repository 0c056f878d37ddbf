// What a process holds, read from /proc: for the checks that a plugin gives
// back what it takes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace switchboard::plugin_test {

struct Resources {
  int fds = 0;
  int threads = 0;
  std::int64_t rss_bytes = 0;  // after returning free heap to the system
};

Resources measure();
// Threads end a little after they are joined or detached ones return: waits
// (up to `limit`) for the count to come down to `threads`, then measures.
Resources settle(int threads, std::chrono::milliseconds limit);
// "fds 12 -> 15, threads 4 -> 6, RSS +3.1 MB"
std::string describe(const Resources &before, const Resources &after);

}  // namespace switchboard::plugin_test
