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

  // What is left of a client's allowance, for X-RateLimit-* headers.
  struct Left {
    int limit = 0;               // the burst
    int remaining = 0;           // whole things it may still do now
    int seconds_until_full = 0;  // until the bucket is full again
  };

  // True when `who` may do one more thing now; otherwise retry_after holds
  // the whole seconds to wait (at least 1). `left`, when given, says what
  // remains after this one.
  bool allow(const std::string &who, Clock::time_point now, int &retry_after, Left *left = nullptr);

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
