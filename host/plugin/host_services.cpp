#include "plugin/host_services.hpp"

#include <spdlog/spdlog.h>

namespace switchboard::plugin {
namespace {

spdlog::level::level_enum to_spdlog(sb_log_level level) {
  switch (level) {
    case SB_LOG_TRACE:
      return spdlog::level::trace;
    case SB_LOG_DEBUG:
      return spdlog::level::debug;
    case SB_LOG_INFO:
      return spdlog::level::info;
    case SB_LOG_WARN:
      return spdlog::level::warn;
    case SB_LOG_ERROR:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

HostServices::HostServices(HostContext context, std::string kind, std::string name, std::string config_json)
    : context_(context),
      kind_(std::move(kind)),
      name_(std::move(name)),
      config_json_(std::move(config_json)),
      logger_(spdlog::default_logger()->clone(kind_ + "/" + name_)) {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.instance_name = name_.c_str();
  host_.config_json = config_json_.c_str();
  host_.log = &HostServices::log;
  host_.counter_add = &HostServices::counter_add;
  host_.gauge_set = &HostServices::gauge_set;
  host_.histogram_observe = &HostServices::histogram_observe;
  host_.post = &HostServices::post;
  host_.get_extension = &HostServices::get_extension;
  host_.config_dir = context_.config_dir.c_str();
  host_.now_ns = &HostServices::now_ns;
}

HostServices::~HostServices() {
  drain();
}

void HostServices::drain() {
  const bool manual = context_.executor.thread_count() == 0;
  std::unique_lock lock(mutex_);
  while (true) {
    // Tasks still waiting for their delay run now; a task may post more.
    if (!delayed_.empty()) {
      std::map<std::uint64_t, Delayed> early;
      early.swap(delayed_);
      lock.unlock();
      for (auto &[id, task] : early) {
        task.timer->cancel();
        run_now(task.fn, task.user);
      }
      lock.lock();
      continue;
    }
    if (outstanding_ == 0) {
      return;
    }
    if (manual) {
      // A manual executor has no threads to wait for: run its queue here.
      lock.unlock();
      context_.executor.poll();
      lock.lock();
    } else {
      idle_.wait(lock, [this] { return outstanding_ == 0 || !delayed_.empty(); });
    }
  }
}

void HostServices::log(void *ctx, sb_log_level level, const char *message) {
  auto *self = static_cast<HostServices *>(ctx);
  self->logger_->log(to_spdlog(level), "{}", message != nullptr ? message : "");
}

std::string HostServices::metric_name(const char *name) const {
  return kind_ + "_" + name_ + "_" + (name != nullptr ? name : "");
}

void HostServices::counter_add(void *ctx, const char *name, double value) {
  auto *self = static_cast<HostServices *>(ctx);
  self->context_.metrics.add(self->metric_name(name), value);
}

void HostServices::gauge_set(void *ctx, const char *name, double value) {
  auto *self = static_cast<HostServices *>(ctx);
  self->context_.metrics.set(self->metric_name(name), value);
}

void HostServices::histogram_observe(void *ctx, const char *name, double value) {
  auto *self = static_cast<HostServices *>(ctx);
  self->context_.metrics.observe(self->metric_name(name), value);
}

void HostServices::post(void *ctx, std::uint32_t delay_ms, void (*fn)(void *), void *user) {
  auto *self = static_cast<HostServices *>(ctx);
  std::lock_guard lock(self->mutex_);
  ++self->outstanding_;
  if (delay_ms == 0) {
    self->context_.executor.post([self, fn, user] {
      fn(user);
      self->task_finished();
    });
    return;
  }
  const std::uint64_t id = self->next_task_++;
  // Held while arming so the timer cannot claim a task not yet recorded.
  auto timer = self->context_.clock.schedule(std::chrono::milliseconds(delay_ms), [self, id](bool fired) {
    if (!fired) {
      return;  // drain() took it
    }
    std::unique_lock guard(self->mutex_);
    const auto it = self->delayed_.find(id);
    if (it == self->delayed_.end()) {
      return;
    }
    const Delayed task = it->second;
    self->delayed_.erase(it);
    guard.unlock();
    self->run_now(task.fn, task.user);
  });
  self->delayed_.emplace(id, Delayed{fn, user, std::move(timer)});
  self->idle_.notify_all();
}

void HostServices::run_now(void (*fn)(void *), void *user) {
  context_.executor.post([this, fn, user] {
    fn(user);
    task_finished();
  });
}

void HostServices::task_finished() {
  std::lock_guard lock(mutex_);
  --outstanding_;
  idle_.notify_all();
}

std::int64_t HostServices::now_ns(void *ctx) {
  auto *self = static_cast<HostServices *>(ctx);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(self->context_.clock.now().time_since_epoch()).count();
}

const void *HostServices::get_extension(void *ctx, const char *id) {
  auto *self = static_cast<HostServices *>(ctx);
  if (id == nullptr || !self->context_.extensions) return nullptr;
  return self->context_.extensions(id);
}

}  // namespace switchboard::plugin
