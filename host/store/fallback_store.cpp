// A primary store with memory behind it: a primary that cannot be reached
// costs no conversation its turn. While it throws StoreUnavailable, calls go
// to memory; the first call that reaches it again writes back what memory
// gathered meanwhile, so the sessions continue there.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "store/session_store.hpp"

namespace switchboard::store {
namespace {

class FallbackStore : public SessionStore {
 public:
  explicit FallbackStore(std::unique_ptr<SessionStore> primary)
      : primary_(std::move(primary)), memory_(memory_store()) {}

  StoreHealth health() const override { return {available_.load(), fallbacks_.load(), written_back_.load()}; }

  std::optional<SessionRecord> get(const std::string &id) override {
    return route([&](SessionStore &s) { return s.get(id); });
  }
  SessionRecord get_or_create(const std::string &id, double now, const std::string &owner) override {
    return route([&](SessionStore &s) { return s.get_or_create(id, now, owner); });
  }
  void append(const std::string &session, const HistoryEntry &entry, std::int64_t tokens,
              double audio_seconds) override {
    route([&](SessionStore &s) {
      if (&s == memory_.get()) {
        std::lock_guard lock(mutex_);
        numbers_[entry.id] = {tokens, audio_seconds};
      }
      s.append(session, entry, tokens, audio_seconds);
      return 0;
    });
  }
  void touch(const std::string &id, double now) override {
    route([&](SessionStore &s) {
      s.touch(id, now);
      return 0;
    });
  }
  std::vector<SessionSummary> list() override {
    return route([&](SessionStore &s) { return s.list(); });
  }
  bool clear_history(const std::string &id) override {
    return route([&](SessionStore &s) {
      if (&s == memory_.get()) remember(cleared_, id);
      return s.clear_history(id);
    });
  }
  bool remove(const std::string &id) override {
    return route([&](SessionStore &s) {
      if (&s == memory_.get()) remember(removed_, id);
      return s.remove(id);
    });
  }
  std::size_t remove_all() override {
    return route([&](SessionStore &s) {
      if (&s == memory_.get()) {
        std::lock_guard lock(mutex_);
        removed_all_ = true;
        removed_.clear();
        cleared_.clear();
      }
      return s.remove_all();
    });
  }
  std::size_t expire(double now, double idle_seconds) override {
    return route([&](SessionStore &s) { return s.expire(now, idle_seconds); });
  }

 private:
  template <typename F>
  std::invoke_result_t<F &, SessionStore &> route(F &&call) {
    if (pending_.load()) write_back();
    try {
      auto result = call(*primary_);
      if (!available_.exchange(true)) spdlog::info("session store: reachable again");
      return result;
    } catch (const StoreUnavailable &e) {
      if (available_.exchange(false)) {
        spdlog::warn("session store: {}; sessions are kept in memory until it answers again", e.what());
      }
    }
    ++fallbacks_;
    pending_ = true;
    return call(*memory_);
  }

  void remember(std::set<std::string> &ids, const std::string &id) {
    std::lock_guard lock(mutex_);
    ids.insert(id);
  }

  // Replays on the primary, in order, what the outage did: the removals and
  // clears, then each session memory holds, each entry with its own numbers.
  // The primary applies an entry id once (a write-back cut short and tried
  // again, or an append that timed out and reached it later, adds nothing
  // twice).
  void write_back() {
    std::unique_lock busy(writing_back_, std::try_to_lock);
    if (!busy.owns_lock()) return;  // another thread is at it
    try {
      std::set<std::string> removed, cleared;
      bool removed_all = false;
      {
        std::lock_guard lock(mutex_);
        removed = removed_;
        cleared = cleared_;
        removed_all = removed_all_;
      }
      if (removed_all) primary_->remove_all();
      for (const auto &id : removed) primary_->remove(id);
      for (const auto &id : cleared) primary_->clear_history(id);
      {
        std::lock_guard lock(mutex_);
        removed_all_ = false;
        for (const auto &id : removed) removed_.erase(id);
        for (const auto &id : cleared) cleared_.erase(id);
      }
      std::size_t sessions = 0;
      for (const auto &summary : memory_->list()) {
        const auto held = memory_->get(summary.id);
        if (!held) continue;
        primary_->get_or_create(summary.id, held->created_at, held->owner);
        for (const auto &e : held->history) {
          Numbers n;
          {
            std::lock_guard lock(mutex_);
            if (const auto it = numbers_.find(e.id); it != numbers_.end()) n = it->second;
          }
          primary_->append(summary.id, e, n.tokens, n.audio_seconds);
          std::lock_guard lock(mutex_);
          numbers_.erase(e.id);
        }
        primary_->touch(summary.id, held->last_activity);
        memory_->remove(summary.id);
        ++sessions;
      }
      pending_ = false;
      written_back_ += sessions;
      available_ = true;
      spdlog::info("session store: reachable again; {} session(s) written back from memory", sessions);
    } catch (const StoreUnavailable &) {
      // Still out: memory keeps serving, and the next call tries again.
    }
  }

  std::unique_ptr<SessionStore> primary_;
  std::unique_ptr<SessionStore> memory_;
  std::atomic<bool> available_{true};
  std::atomic<bool> pending_{false};
  std::atomic<std::uint64_t> fallbacks_{0};
  std::atomic<std::uint64_t> written_back_{0};
  std::mutex writing_back_;
  std::mutex mutex_;
  struct Numbers {
    std::int64_t tokens = 0;
    double audio_seconds = 0;
  };
  std::map<std::string, Numbers> numbers_;  // of each entry memory holds, by entry id
  std::set<std::string> removed_;
  std::set<std::string> cleared_;
  bool removed_all_ = false;
};

}  // namespace

std::unique_ptr<SessionStore> with_memory_fallback(std::unique_ptr<SessionStore> primary) {
  return std::make_unique<FallbackStore>(std::move(primary));
}

}  // namespace switchboard::store
