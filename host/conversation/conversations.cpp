#include "conversation/conversations.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "conversation/ids.hpp"

namespace switchboard::conversation {

std::unique_ptr<store::SessionStore> open_store(const config::SessionSettings &settings) {
  if (settings.store == "sqlite") return store::sqlite_store(settings.path);
  if (settings.store == "redis") {
    store::RedisSettings redis;
    redis.options.timeout = std::chrono::milliseconds(settings.timeout_ms);
    redis.options.retry_after = std::chrono::milliseconds(settings.retry_after_ms);
    redis.options = redis::parse_url(settings.url, redis.options);
    redis.key_prefix = settings.key_prefix;
    redis.ttl_seconds = settings.ttl_seconds;
    spdlog::info("sessions in {} under '{}'", redis::redacted(redis.options), redis.key_prefix);
    return store::with_memory_fallback(store::redis_store(redis));
  }
  return store::memory_store();
}

EngineSettings engine_settings(const config::Config &config) {
  return {config.conversation, config.audio, config.documents.passages};
}

Conversations::Conversations(std::unique_ptr<store::SessionStore> store, const config::Config &config,
                             EngineServices services)
    : store_(std::move(store)),
      context_(std::make_shared<EngineContext>(std::move(services), *store_)),
      settings_(config.sessions) {
  context_->set_settings(engine_settings(config));
}

Conversations::~Conversations() {
  std::lock_guard lock(mutex_);
  for (auto &[id, s] : live_) s->close();
  // The closes run on the sessions' strands and may still write to the
  // store, which goes with this object: wait for them, and for those of the
  // sessions removed before (with workers to run them; a manual executor
  // runs them when its test polls).
  if (context_->executor.thread_count() == 0) return;
  for (auto &[id, s] : live_) closing_.push_back(s);
  for (const auto &s : closing_) {
    if (!s->wait_closed(std::chrono::seconds(10))) spdlog::warn("session {} did not close in time", s->id());
  }
}

void Conversations::retire(std::vector<std::shared_ptr<Session>> ended) {
  for (const auto &s : ended) s->close();
  std::lock_guard lock(mutex_);
  std::erase_if(closing_,
                [](const std::shared_ptr<Session> &s) { return s->wait_closed(std::chrono::milliseconds(0)); });
  closing_.insert(closing_.end(), std::make_move_iterator(ended.begin()), std::make_move_iterator(ended.end()));
}

std::shared_ptr<Session> Conversations::session(const std::string &id_in, const std::string &owner, bool any_owner) {
  const std::string id = id_in.empty() ? new_id() : id_in;
  std::lock_guard lock(mutex_);
  const auto it = live_.find(id);
  if (it != live_.end()) return any_owner || it->second->owner() == owner ? it->second : nullptr;
  auto record = store_->get_or_create(id, context_->wall_now(), owner);
  if (!any_owner && record.owner != owner) return nullptr;
  auto &slot = live_[id];
  slot = std::make_shared<Session>(id, context_, std::move(record.owner));
  return slot;
}

std::size_t Conversations::live_count() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

std::size_t Conversations::busy_count() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(live_.begin(), live_.end(), [](const auto &entry) { return entry.second->busy(); }));
}

std::shared_ptr<Session> Conversations::find(const std::string &id) const {
  std::lock_guard lock(mutex_);
  const auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

std::optional<SessionView> Conversations::get(const std::string &id) {
  auto record = store_->get(id);
  if (!record) return std::nullopt;
  SessionView view{std::move(*record)};
  if (auto live = find(id)) {
    view.live = true;
    view.state = live->state();
    view.record.last_activity = std::max(view.record.last_activity, live->last_activity());
  }
  return view;
}

std::vector<store::SessionSummary> Conversations::list() {
  auto out = store_->list();
  std::lock_guard lock(mutex_);
  for (auto &s : out) {
    if (const auto it = live_.find(s.id); it != live_.end()) {
      s.last_activity = std::max(s.last_activity, it->second->last_activity());
    }
  }
  return out;
}

bool Conversations::clear_history(const std::string &id) {
  return store_->clear_history(id);
}

bool Conversations::remove(const std::string &id) {
  std::shared_ptr<Session> live;
  {
    std::lock_guard lock(mutex_);
    if (const auto it = live_.find(id); it != live_.end()) {
      live = std::move(it->second);
      live_.erase(it);
    }
  }
  const bool was_live = live != nullptr;
  if (live) retire({std::move(live)});
  return store_->remove(id) || was_live;
}

std::size_t Conversations::remove_all() {
  std::map<std::string, std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    std::swap(live, live_);
  }
  std::vector<std::shared_ptr<Session>> ended;
  for (auto &[id, s] : live) ended.push_back(std::move(s));
  retire(std::move(ended));
  return store_->remove_all();
}

std::size_t Conversations::expire_idle(double now) {
  const double idle = settings_.idle_timeout_seconds;
  std::vector<std::shared_ptr<Session>> ended;
  {
    std::lock_guard lock(mutex_);
    for (auto it = live_.begin(); it != live_.end();) {
      const auto &s = it->second;
      if (s->busy() || now - s->last_activity() <= idle) {
        // Still in use: its record must not expire under it.
        store_->touch(it->first, s->busy() ? now : s->last_activity());
        ++it;
        continue;
      }
      ended.push_back(std::move(it->second));
      it = live_.erase(it);
    }
  }
  retire(std::move(ended));
  return store_->expire(now, idle);
}

void Conversations::apply(const config::Config &config) {
  context_->set_settings(engine_settings(config));
  std::lock_guard lock(mutex_);
  settings_.idle_timeout_seconds = config.sessions.idle_timeout_seconds;
}

}  // namespace switchboard::conversation
