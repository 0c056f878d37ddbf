// Every session of a host: made on first use, found by id, listed, cleared,
// deleted and expired after sessions.idle_timeout_seconds without activity.
// History and numbers live in the configured store (memory or SQLite); a
// live Session object exists while a session is being talked to, and a
// session whose record survived a restart comes back to life on first use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "conversation/engine_context.hpp"
#include "conversation/session.hpp"

namespace switchboard::conversation {

struct SessionView {
  store::SessionRecord record;
  State state = State::idle;
  bool live = false;  // a Session object exists (a client is or was recently talking)
};

class Conversations {
 public:
  // `store` is opened from the config by the caller (see open_store).
  Conversations(std::unique_ptr<store::SessionStore> store, const config::Config &config, EngineServices services);
  ~Conversations();

  // The session with this id, made (and stored, as `owner`'s) if there is
  // none; an empty id makes a new one. Null when the session exists and
  // belongs to another owner, unless any_owner (an admin).
  std::shared_ptr<Session> session(const std::string &id = {}, const std::string &owner = {}, bool any_owner = true);
  // The live session, or null (without making one).
  std::shared_ptr<Session> find(const std::string &id) const;

  std::optional<SessionView> get(const std::string &id);
  std::vector<store::SessionSummary> list();
  // False when there is no such session.
  bool clear_history(const std::string &id);
  bool remove(const std::string &id);
  std::size_t remove_all();
  // Sessions live now (a client is or was recently talking); no store I/O.
  std::size_t live_count() const;
  // Sessions with a turn under way (a host stopping waits for them).
  std::size_t busy_count() const;
  // Ends and forgets sessions idle for longer than the timeout at `now`
  // (seconds since the epoch); a session with a turn running is not idle.
  std::size_t expire_idle(double now);

  void apply(const config::Config &config);
  EngineContext &context() noexcept { return *context_; }
  store::SessionStore &store() noexcept { return *store_; }

 private:
  std::unique_ptr<store::SessionStore> store_;
  std::shared_ptr<EngineContext> context_;
  mutable std::mutex mutex_;
  config::SessionSettings settings_;
  std::map<std::string, std::shared_ptr<Session>> live_;
  // Sessions taken out and closed whose close may still be running on their
  // strands (and writing to the store, which goes with this object): kept
  // until it has run, so the destructor waits for them as for the live ones.
  std::vector<std::shared_ptr<Session>> closing_;
  void retire(std::vector<std::shared_ptr<Session>> ended);
};

// The store a config names; throws std::runtime_error when it cannot be opened.
std::unique_ptr<store::SessionStore> open_store(const config::SessionSettings &settings);

EngineSettings engine_settings(const config::Config &config);

}  // namespace switchboard::conversation
