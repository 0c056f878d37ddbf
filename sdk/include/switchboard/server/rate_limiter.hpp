// Token buckets per client (an address, a key, a token's subject): a burst
// up to `burst`, refilled evenly at `per_second`. Past it the caller is
// told how long to wait. Shared by every connection of a server.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchboard::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // A limit of 0 per second allows everything.
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // True when `who` may do one more thing now; otherwise retry_after holds
  // the whole seconds to wait (at least 1).
  bool allow(const std::string &who, Clock::time_point now, int &retry_after);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled;
  };
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point pruned_{};
};

}  // namespace switchboard::server
