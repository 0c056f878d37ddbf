// Turns of the last minute: how many, how fast, how many failed. Kept small
// (a bounded ring), read by GET /metrics/recent.
#pragma once

#include <deque>
#include <mutex>

#include <nlohmann/json.hpp>

namespace switchboard::admin {

class RecentTurns {
 public:
  explicit RecentTurns(double window_seconds = 60, std::size_t max_turns = 100000)
      : window_(window_seconds), max_(max_turns) {}

  // A turn that ended at `now` (seconds), its latency (end of input to first
  // answer), and whether it failed.
  void record(double now, double latency_ms, bool failed);

  // {"window_seconds","turns","errors","latency_ms":{"p50","p99","max"}} at `now`.
  nlohmann::json summary(double now) const;

 private:
  struct Turn {
    double at;
    double latency_ms;
    bool failed;
  };
  void drop_old(double now) const;

  double window_;
  std::size_t max_;
  mutable std::mutex mutex_;
  mutable std::deque<Turn> turns_;
};

}  // namespace switchboard::admin
