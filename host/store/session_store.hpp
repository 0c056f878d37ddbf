// Where sessions live: their history (role, text, time, id), their numbers,
// when they were created and last active. The memory store is the default;
// the SQLite store keeps sessions across restarts of one host; the Redis
// store shares them between hosts, behind a fallback to memory while Redis
// cannot be reached. Every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "switchboard/redis/client.hpp"

namespace switchboard::store {

struct HistoryEntry {
  std::string id;
  std::string role;  // "user" or "assistant"
  std::string text;
  double timestamp = 0;  // seconds since the epoch
};

struct SessionStats {
  std::int64_t messages = 0;
  std::int64_t pairs = 0;  // a user message answered by the assistant
  std::int64_t user_messages = 0;
  std::int64_t assistant_messages = 0;
  std::int64_t tokens = 0;
  double audio_seconds = 0;
};

struct SessionRecord {
  std::string id;
  std::string owner;  // the subject (a key's or a token's) that made it; "" for nobody
  double created_at = 0;
  double last_activity = 0;
  SessionStats stats;
  std::vector<HistoryEntry> history;
};

struct SessionSummary {
  std::string id;
  std::string owner;
  double created_at = 0;
  double last_activity = 0;
};

// A store that cannot reach where it keeps sessions (Redis down or slow).
struct StoreUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How a store with a fallback is doing (a plain store is always available).
struct StoreHealth {
  bool available = true;           // calls go to the primary store
  std::uint64_t fallbacks = 0;     // calls served from memory instead
  std::uint64_t written_back = 0;  // sessions moved to the primary after an outage
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual StoreHealth health() const { return {}; }

  virtual std::optional<SessionRecord> get(const std::string &id) = 0;
  // Creates the session on first use, as `owner`'s; an existing session
  // keeps the owner it was made with.
  virtual SessionRecord get_or_create(const std::string &id, double now, const std::string &owner = {}) = 0;
  // Adds an entry (creating the session if need be) and counts it.
  virtual void append(const std::string &session, const HistoryEntry &entry, std::int64_t tokens = 0,
                      double audio_seconds = 0) = 0;
  // Marks the session active at `now` (creating it if need be).
  virtual void touch(const std::string &id, double now) = 0;
  virtual std::vector<SessionSummary> list() = 0;
  // False when there is no such session.
  virtual bool clear_history(const std::string &id) = 0;
  virtual bool remove(const std::string &id) = 0;
  // Removes every session; returns how many there were.
  virtual std::size_t remove_all() = 0;
  // Removes sessions idle for longer than idle_seconds; returns how many.
  virtual std::size_t expire(double now, double idle_seconds) = 0;
};

std::unique_ptr<SessionStore> memory_store();
// Opens (or creates) the database at `path`; throws std::runtime_error naming
// the path and SQLite's reason when it cannot.
std::unique_ptr<SessionStore> sqlite_store(const std::string &path);

struct RedisSettings {
  redis::Options options;
  std::string key_prefix = "switchboard:";
  int ttl_seconds = 86400;  // every write gives the session's keys this long to live
};
// Connects lazily: a Redis down at start is an outage like any other. Each
// method throws StoreUnavailable when Redis cannot be reached in time.
std::unique_ptr<SessionStore> redis_store(const RedisSettings &settings);

// `primary` while it answers; while it throws StoreUnavailable, a memory
// store, whose sessions are written back to the primary once it answers
// again (their entries appended, and what was removed or cleared meanwhile
// removed or cleared there too).
std::unique_ptr<SessionStore> with_memory_fallback(std::unique_ptr<SessionStore> primary);

// Words in a text: the token estimate wherever a provider reports none.
std::int64_t word_count(const std::string &text);

// The end of a history to send to a language model: at most max_turns user
// messages with what followed them, and at most about max_tokens (words
// count as tokens); 0 means no limit.
std::vector<HistoryEntry> recent_history(const std::vector<HistoryEntry> &history, int max_turns, int max_tokens);

// How an entry changes the numbers (shared by both stores).
void count(SessionStats &stats, const std::vector<HistoryEntry> &history, const HistoryEntry &entry,
           std::int64_t tokens, double audio_seconds);

}  // namespace switchboard::store
