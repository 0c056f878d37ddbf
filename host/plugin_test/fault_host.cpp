#include "plugin_test/fault_host.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "switchboard/sdk/utf8.hpp"

namespace switchboard::plugin_test {
namespace {

constexpr int kWorkers = 3;
// Posted tasks run up to this much later than asked.
constexpr int kMaxLateMs = 5;
// Every this many clock reads the clock jumps this far ahead.
constexpr std::uint64_t kJumpEvery = 64;
constexpr std::int64_t kJumpNs = 250'000'000;

bool snake_case(const char *name) {
  if (name == nullptr || !std::islower(static_cast<unsigned char>(*name))) return false;
  for (const char *p = name; *p != '\0'; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (!std::islower(c) && !std::isdigit(c) && c != '_') return false;
  }
  return true;
}

void write(sb_sink sink, const char *text) {
  sink.write(sink.user, text, std::strlen(text));
}

// The sessions double: a host with no session to give.
constexpr const char *kNoSessions = "the plugin-test host holds no sessions";

void *attach(void *, const char *, const sb_session_events *, sb_sink, sb_error *err) {
  sb_error_set(err, kNoSessions);
  return nullptr;
}
void *attach_as(void *, const char *, const char *, bool, const sb_session_events *, sb_sink, sb_error *err) {
  sb_error_set(err, kNoSessions);
  return nullptr;
}
sb_status push_audio(void *, const uint8_t *, size_t, uint32_t, sb_error *err) {
  sb_error_set(err, kNoSessions);
  return SB_INVALID_INPUT;
}
void no_op(void *) {}
void send_text(void *, const char *, bool) {}
sb_status list(void *, sb_sink out, sb_error *) {
  write(out, R"({"count":0,"sessions":[]})");
  return SB_OK;
}
sb_status get(void *, const char *, sb_sink, sb_error *err) {
  sb_error_set(err, "no such session");
  return SB_INVALID_INPUT;
}
sb_status remove(void *, const char *, sb_error *err) {
  sb_error_set(err, "no such session");
  return SB_INVALID_INPUT;
}
sb_status remove_all(void *, sb_sink out, sb_error *) {
  write(out, R"({"deleted":0})");
  return SB_OK;
}
size_t active_count(void *) {
  return 0;
}
uint64_t dropped_samples(void *) {
  return 0;
}
void set_voice(void *, const char *) {}
sb_status configure(void *, const char *, sb_error *err) {
  sb_error_set(err, kNoSessions);
  return SB_INVALID_INPUT;
}

}  // namespace

FaultHost::FaultHost(std::string name, std::string config_json, std::string config_dir, Options options)
    : name_(std::move(name)),
      config_json_(std::move(config_json)),
      config_dir_(std::move(config_dir)),
      options_(options) {
  host_.struct_size = sizeof host_;
  host_.ctx = this;
  host_.instance_name = name_.c_str();
  host_.config_json = config_json_.c_str();
  host_.log = &FaultHost::log;
  host_.counter_add = &FaultHost::counter_add;
  host_.gauge_set = &FaultHost::gauge_set;
  host_.histogram_observe = &FaultHost::histogram_observe;
  host_.post = &FaultHost::post;
  host_.get_extension = &FaultHost::get_extension;
  host_.config_dir = config_dir_.c_str();
  host_.now_ns = &FaultHost::now_ns;

  sessions_ = sb_sessions_ext{
      sizeof sessions_, this,       &attach,   &push_audio, &no_op,      &send_text,    &no_op,
      &no_op,           &list,      &get,      &remove,     &remove_all, &active_count, &dropped_samples,
      &attach_as,       &set_voice, &configure};
  for (int i = 0; i < kWorkers; ++i) workers_.emplace_back([this] { work(); });
}

FaultHost::~FaultHost() {
  drain();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto &w : workers_) w.join();
}

void FaultHost::drain() {
  std::unique_lock lock(mutex_);
  draining_ = true;
  changed_.notify_all();
  changed_.wait(lock, [this] { return tasks_.empty() && running_ == 0; });
  draining_ = false;
}

void FaultHost::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stopping_ && tasks_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    // Any task that is due, not the earliest: the ABI promises no order.
    std::vector<std::size_t> due;
    auto next = std::chrono::steady_clock::time_point::max();
    for (std::size_t i = 0; i < tasks_.size(); ++i) {
      if (draining_ || stopping_ || tasks_[i].due <= now) {
        due.push_back(i);
      } else {
        next = std::min(next, tasks_[i].due);
      }
    }
    if (due.empty()) {
      if (next == std::chrono::steady_clock::time_point::max()) {
        changed_.wait(lock);
      } else {
        changed_.wait_until(lock, next);
      }
      continue;
    }
    const std::size_t pick = due[random_() % due.size()];
    const Task task = tasks_[pick];
    tasks_.erase(tasks_.begin() + static_cast<std::ptrdiff_t>(pick));
    ++running_;
    lock.unlock();
    task.fn(task.user);
    lock.lock();
    --running_;
    changed_.notify_all();
  }
}

std::vector<std::string> FaultHost::violations() const {
  std::lock_guard lock(mutex_);
  return violations_;
}

void FaultHost::violation(std::string what) {
  std::lock_guard lock(mutex_);
  if (violations_.size() < 20) violations_.push_back(std::move(what));
}

bool FaultHost::check_open(const char *call) {
  if (!closed_.load()) return true;
  violation(std::string(call) + " was called after destroy() returned");
  return false;
}

void FaultHost::log(void *ctx, sb_log_level level, const char *message) {
  auto *self = static_cast<FaultHost *>(ctx);
  if (!self->check_open("log")) return;
  self->logs_.fetch_add(1);
  if (level < SB_LOG_TRACE || level > SB_LOG_ERROR) {
    self->violation("log got level " + std::to_string(static_cast<int>(level)) + ", not an sb_log_level");
  }
  if (message == nullptr) {
    self->violation("log got a NULL message");
  } else if (!sdk::valid_utf8(message)) {
    self->violation("log got a message that is not UTF-8");
  }
}

void FaultHost::metric(const char *what, const char *name, double value) {
  if (!check_open(what)) return;
  metrics_.fetch_add(1);
  if (!snake_case(name)) {
    violation(std::string(what) + " got the name '" + (name != nullptr ? name : "(null)") + "', not snake_case");
  }
  if (!std::isfinite(value)) violation(std::string(what) + " got a value that is not finite");
}

void FaultHost::counter_add(void *ctx, const char *name, double value) {
  auto *self = static_cast<FaultHost *>(ctx);
  self->metric("counter_add", name, value);
  if (value < 0) self->violation("counter_add got a negative value");
}
void FaultHost::gauge_set(void *ctx, const char *name, double value) {
  static_cast<FaultHost *>(ctx)->metric("gauge_set", name, value);
}
void FaultHost::histogram_observe(void *ctx, const char *name, double value) {
  static_cast<FaultHost *>(ctx)->metric("histogram_observe", name, value);
}

void FaultHost::post(void *ctx, std::uint32_t delay_ms, void (*fn)(void *), void *user) {
  auto *self = static_cast<FaultHost *>(ctx);
  if (!self->check_open("post")) return;
  if (fn == nullptr) {
    self->violation("post got a NULL function");
    return;
  }
  std::lock_guard lock(self->mutex_);
  const auto late = std::chrono::milliseconds(self->random_() % (kMaxLateMs + 1));
  self->tasks_.push_back({std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms) + late, fn, user});
  self->changed_.notify_all();
}

const void *FaultHost::get_extension(void *ctx, const char *id) {
  auto *self = static_cast<FaultHost *>(ctx);
  if (!self->check_open("get_extension")) return nullptr;
  if (id == nullptr) {
    self->violation("get_extension got a NULL id");
    return nullptr;
  }
  if (self->options_.offer_extensions && std::strcmp(id, SB_EXT_SESSIONS) == 0) return &self->sessions_;
  return nullptr;
}

std::int64_t FaultHost::now_ns(void *ctx) {
  auto *self = static_cast<FaultHost *>(ctx);
  if (self->clock_reads_.fetch_add(1) % kJumpEvery == kJumpEvery - 1) self->offset_ns_.fetch_add(kJumpNs);
  const auto real = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(real).count() + self->offset_ns_.load();
}

}  // namespace switchboard::plugin_test
