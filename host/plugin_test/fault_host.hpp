// The host side of the kit: an sb_host that keeps every promise abi.h makes
// and nothing more. Posted tasks run late (a random extra delay), from
// several threads, in no set order; the clock jumps forward now and then;
// the only extension offered is a sessions double that holds no session.
// Every call a plugin makes is checked and what breaks the contract is kept
// as a violation.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/abi.h"
#include "switchboard/ext/sessions.h"

namespace switchboard::plugin_test {

class FaultHost {
 public:
  struct Options {
    bool offer_extensions = true;  // false: get_extension answers NULL for every id
  };
  FaultHost(std::string name, std::string config_json, std::string config_dir, Options options);
  ~FaultHost();
  FaultHost(const FaultHost &) = delete;
  FaultHost &operator=(const FaultHost &) = delete;

  const sb_host *raw() const noexcept { return &host_; }

  // What the host does before destroy(): every pending task runs now and
  // this returns once none is running.
  void drain();
  // destroy() has returned: from now on any call is a violation.
  void close() noexcept { closed_.store(true); }
  // Moves the clock forward (a cache's time to live is stepped, not waited).
  void step_clock(std::chrono::nanoseconds by) noexcept { offset_ns_.fetch_add(by.count()); }

  std::vector<std::string> violations() const;
  int log_lines() const noexcept { return logs_.load(); }
  int metric_calls() const noexcept { return metrics_.load(); }

 private:
  struct Task {
    std::chrono::steady_clock::time_point due;
    void (*fn)(void *);
    void *user;
  };

  static void log(void *ctx, sb_log_level level, const char *message);
  static void counter_add(void *ctx, const char *name, double value);
  static void gauge_set(void *ctx, const char *name, double value);
  static void histogram_observe(void *ctx, const char *name, double value);
  static void post(void *ctx, std::uint32_t delay_ms, void (*fn)(void *), void *user);
  static const void *get_extension(void *ctx, const char *id);
  static std::int64_t now_ns(void *ctx);

  void metric(const char *what, const char *name, double value);
  void violation(std::string what);
  bool check_open(const char *call);
  void work();

  std::string name_;
  std::string config_json_;
  std::string config_dir_;
  Options options_;
  sb_host host_{};
  sb_sessions_ext sessions_{};

  std::atomic<bool> closed_{false};
  std::atomic<std::int64_t> offset_ns_{0};
  std::atomic<std::uint64_t> clock_reads_{0};
  std::atomic<int> logs_{0};
  std::atomic<int> metrics_{0};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Task> tasks_;
  int running_ = 0;
  bool stopping_ = false;
  bool draining_ = false;
  std::minstd_rand random_{20261207};
  std::vector<std::string> violations_;
  std::vector<std::thread> workers_;
};

}  // namespace switchboard::plugin_test
