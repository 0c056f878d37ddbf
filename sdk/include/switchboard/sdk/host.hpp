// The host's services and a call's cancel token, seen from a C++ plugin.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "switchboard/abi.h"

namespace switchboard::sdk {

enum class LogLevel {
  trace = SB_LOG_TRACE,
  debug = SB_LOG_DEBUG,
  info = SB_LOG_INFO,
  warn = SB_LOG_WARN,
  error = SB_LOG_ERROR,
};

// Unsubscribes from a cancel token when destroyed. Destroy it before the call
// reports done: the token is only valid until then.
class CancelSubscription {
 public:
  CancelSubscription() = default;
  CancelSubscription(const sb_cancel_token *token, std::unique_ptr<std::function<void()>> fn)
      : token_(token), fn_(std::move(fn)) {
    id_ = token_->subscribe(token_->ctx, &CancelSubscription::trampoline, fn_.get());
  }
  CancelSubscription(CancelSubscription &&other) noexcept { *this = std::move(other); }
  CancelSubscription &operator=(CancelSubscription &&other) noexcept {
    if (this != &other) {
      reset();
      token_ = std::exchange(other.token_, nullptr);
      fn_ = std::move(other.fn_);
      id_ = other.id_;
    }
    return *this;
  }
  CancelSubscription(const CancelSubscription &) = delete;
  CancelSubscription &operator=(const CancelSubscription &) = delete;
  ~CancelSubscription() { reset(); }

  void reset() noexcept {
    if (token_ != nullptr) {
      token_->unsubscribe(token_->ctx, id_);
      token_ = nullptr;
    }
    fn_.reset();
  }

 private:
  static void trampoline(void *user) {
    try {
      (*static_cast<std::function<void()> *>(user))();
    } catch (...) {
      // A cancel handler must not throw across the boundary; the call still
      // ends through its own done report.
    }
  }

  const sb_cancel_token *token_ = nullptr;
  std::unique_ptr<std::function<void()>> fn_;
  std::uint64_t id_ = 0;
};

// A view of the host's cancel token for one call. Cheap to copy.
class CancelToken {
 public:
  CancelToken() = default;
  explicit CancelToken(const sb_cancel_token *token) : token_(token) {}

  // [any-thread, non-blocking, no allocation]
  bool cancelled() const noexcept { return token_ != nullptr && token_->is_cancelled(token_->ctx); }

  // Runs fn once when the call is cancelled (at once if it already is).
  [[nodiscard]] CancelSubscription on_cancel(std::function<void()> fn) const {
    if (token_ == nullptr) {
      return {};
    }
    return CancelSubscription(token_, std::make_unique<std::function<void()>>(std::move(fn)));
  }

 private:
  const sb_cancel_token *token_ = nullptr;
};

// The host services of one plugin instance.
class Host {
 public:
  explicit Host(const sb_host *host)
      : host_(host), config_(nlohmann::json::parse(host->config_json != nullptr ? host->config_json : "{}")) {}

  std::string_view name() const noexcept { return host_->instance_name != nullptr ? host_->instance_name : ""; }
  // The config file's folder (ABI 1.1; "." from an older host).
  std::string_view config_dir() const noexcept {
    return has(offsetof(sb_host, config_dir)) && host_->config_dir != nullptr ? host_->config_dir : ".";
  }
  // The host's clock (ABI 1.1; the steady clock from an older host).
  std::chrono::steady_clock::time_point now() const noexcept {
    if (!has(offsetof(sb_host, now_ns)) || host_->now_ns == nullptr) return std::chrono::steady_clock::now();
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(host_->now_ns(host_->ctx)));
  }
  const nlohmann::json &config() const noexcept { return config_; }

  void log(LogLevel level, std::string_view message) const {
    const std::string line(message);
    host_->log(host_->ctx, static_cast<sb_log_level>(level), line.c_str());
  }
  void debug(std::string_view message) const { log(LogLevel::debug, message); }
  void info(std::string_view message) const { log(LogLevel::info, message); }
  void warn(std::string_view message) const { log(LogLevel::warn, message); }
  void error(std::string_view message) const { log(LogLevel::error, message); }

  void counter_add(const char *name, double value = 1) const { host_->counter_add(host_->ctx, name, value); }
  void gauge_set(const char *name, double value) const { host_->gauge_set(host_->ctx, name, value); }
  void observe(const char *name, double value) const { host_->histogram_observe(host_->ctx, name, value); }

  // Runs fn on a host worker thread after delay. fn may block; an exception it
  // throws is logged and dropped.
  void post(std::function<void()> fn, std::chrono::milliseconds delay = std::chrono::milliseconds(0)) const {
    auto *task = new Task{std::move(fn), this};
    host_->post(host_->ctx, static_cast<std::uint32_t>(delay.count()), &Host::run_task, task);
  }

  template <class Extension>
  const Extension *extension(const char *id) const {
    return static_cast<const Extension *>(host_->get_extension(host_->ctx, id));
  }

  const sb_host *raw() const noexcept { return host_; }

 private:
  // Whether the host's struct reaches the field at `offset` (it may be older).
  bool has(std::size_t offset) const noexcept { return host_->struct_size > offset; }

  struct Task {
    std::function<void()> fn;
    const Host *host;
  };

  static void run_task(void *user) {
    std::unique_ptr<Task> task(static_cast<Task *>(user));
    try {
      task->fn();
    } catch (const std::exception &e) {
      task->host->error(std::string("posted task threw: ") + e.what());
    } catch (...) {
      task->host->error("posted task threw an exception of unknown type");
    }
  }

  const sb_host *host_;
  nlohmann::json config_;
};

}  // namespace switchboard::sdk
