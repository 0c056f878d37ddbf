// The sb_host given to one plugin instance: logging under the instance's
// name, metrics under its kind and name, and posted tasks tracked so they all
// finish before the instance is destroyed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/logger.h>

#include "admin/metrics.hpp"
#include "core/clock.hpp"
#include "core/control_queue.hpp"
#include "core/executor.hpp"
#include "switchboard/abi.h"

namespace switchboard::plugin {

// What the host shares with all instances.
struct HostContext {
  core::Executor &executor;
  admin::Metrics &metrics;
  core::Clock &clock;
  core::ControlQueue &control;  // where instances are destroyed
  // Host extensions by id ("switchboard.providers/1"); may be empty.
  std::function<const void *(const std::string &id)> extensions = {};
  // The config file's folder, for plugins' relative paths.
  std::string config_dir = ".";
};

class HostServices {
 public:
  HostServices(HostContext context, std::string kind, std::string name, std::string config_json);
  ~HostServices();
  HostServices(const HostServices &) = delete;
  HostServices &operator=(const HostServices &) = delete;

  const sb_host *raw() const noexcept { return &host_; }
  spdlog::logger &logger() noexcept { return *logger_; }

  // Runs every pending posted task now and waits until none is running.
  void drain();

 private:
  static void log(void *ctx, sb_log_level level, const char *message);
  static void counter_add(void *ctx, const char *name, double value);
  static void gauge_set(void *ctx, const char *name, double value);
  static void histogram_observe(void *ctx, const char *name, double value);
  static void post(void *ctx, std::uint32_t delay_ms, void (*fn)(void *), void *user);
  static const void *get_extension(void *ctx, const char *id);
  static std::int64_t now_ns(void *ctx);

  std::string metric_name(const char *name) const;
  void run_now(void (*fn)(void *), void *user);
  void task_finished();

  HostContext context_;
  std::string kind_;
  std::string name_;
  std::string config_json_;
  std::shared_ptr<spdlog::logger> logger_;
  sb_host host_{};

  std::mutex mutex_;
  std::condition_variable idle_;
  std::uint64_t next_task_ = 1;
  std::uint64_t outstanding_ = 0;
  struct Delayed {
    void (*fn)(void *);
    void *user;
    core::TimerPtr timer;
  };
  // Delayed tasks not yet handed to the executor; whoever removes one (its
  // timer or drain()) runs it.
  std::map<std::uint64_t, Delayed> delayed_;
};

}  // namespace switchboard::plugin
