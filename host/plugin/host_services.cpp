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
}

HostServices::~HostServices() {
  drain();
}

void HostServices::drain() {
  std::unique_lock lock(mutex_);
  for (auto &[id, weak] : timers_) {
    if (auto timer = weak.lock()) {
      timer->cancel();
    }
  }
  idle_.wait(lock, [this] { return outstanding_ == 0; });
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
  std::uint64_t id = 0;
  {
    std::lock_guard lock(self->mutex_);
    id = self->next_task_++;
    ++self->outstanding_;
  }
  auto task = [self, id, fn, user] {
    fn(user);
    self->task_finished(id);
  };
  if (delay_ms == 0) {
    self->context_.executor.post(std::move(task));
    return;
  }
  // Held while arming so the task cannot finish before its timer is tracked.
  std::lock_guard lock(self->mutex_);
  self->timers_[id] = self->context_.executor.post_after(std::chrono::milliseconds(delay_ms), std::move(task));
}

void HostServices::task_finished(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  timers_.erase(id);
  --outstanding_;
  idle_.notify_all();
}

const void *HostServices::get_extension(void *, const char *) {
  return nullptr;
}

}  // namespace switchboard::plugin
