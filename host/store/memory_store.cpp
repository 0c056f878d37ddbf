#include <map>
#include <mutex>

#include "store/session_store.hpp"

namespace switchboard::store {
namespace {

class MemoryStore : public SessionStore {
 public:
  std::optional<SessionRecord> get(const std::string &id) override {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
  }

  SessionRecord get_or_create(const std::string &id, double now, const std::string &owner) override {
    std::lock_guard lock(mutex_);
    return create_locked(id, now, owner);
  }

  void append(const std::string &session, const HistoryEntry &entry, std::int64_t tokens,
              double audio_seconds) override {
    std::lock_guard lock(mutex_);
    SessionRecord &s = create_locked(session, entry.timestamp);
    count(s.stats, s.history, entry, tokens, audio_seconds);
    s.history.push_back(entry);
    s.last_activity = std::max(s.last_activity, entry.timestamp);
  }

  std::vector<SessionSummary> list() override {
    std::lock_guard lock(mutex_);
    std::vector<SessionSummary> out;
    for (const auto &[id, s] : sessions_) out.push_back({id, s.owner, s.created_at, s.last_activity});
    return out;
  }

  bool clear_history(const std::string &id) override {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    it->second.history.clear();
    return true;
  }

  bool remove(const std::string &id) override {
    std::lock_guard lock(mutex_);
    return sessions_.erase(id) > 0;
  }

  std::size_t remove_all() override {
    std::lock_guard lock(mutex_);
    const std::size_t n = sessions_.size();
    sessions_.clear();
    return n;
  }

  std::size_t expire(double now, double idle_seconds) override {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (now - it->second.last_activity > idle_seconds) {
        it = sessions_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

  void touch(const std::string &id, double now) override {
    std::lock_guard lock(mutex_);
    auto &s = create_locked(id, now);
    s.last_activity = std::max(s.last_activity, now);
  }

 private:
  SessionRecord &create_locked(const std::string &id, double now, const std::string &owner = {}) {
    auto [it, created] = sessions_.try_emplace(id);
    if (created) {
      it->second.id = id;
      it->second.owner = owner;
      it->second.created_at = now;
      it->second.last_activity = now;
    }
    return it->second;
  }

  std::mutex mutex_;
  std::map<std::string, SessionRecord> sessions_;
};

}  // namespace

std::unique_ptr<SessionStore> memory_store() {
  return std::make_unique<MemoryStore>();
}

}  // namespace switchboard::store
