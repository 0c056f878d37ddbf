// Requests per minute per client (an IP, or an API key), as token buckets:
// a burst up to the per-minute number, refilled evenly. Past it: 429 with
// the seconds until the next request would pass.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace voice_api {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(double per_minute) : per_minute_(per_minute) {}

  // True when `who` may make one more request now; otherwise retry_after
  // holds the whole seconds to wait. A limit of 0 allows everything.
  bool allow(const std::string &who, Clock::time_point now, int &retry_after);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled;
  };
  double per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point pruned_{};
};

}  // namespace voice_api
