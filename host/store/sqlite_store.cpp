// The SQLite store: one connection, serialised, in WAL mode; a session's row
// holds its numbers and its history rows hang off it.
#include <mutex>
#include <stdexcept>

#include <sqlite3.h>

#include "store/session_store.hpp"
#include "store/sqlite_statement.hpp"

namespace switchboard::store {
namespace {

constexpr const char *kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL DEFAULT '',
  created_at REAL NOT NULL,
  last_activity REAL NOT NULL,
  messages INTEGER NOT NULL DEFAULT 0,
  pairs INTEGER NOT NULL DEFAULT 0,
  user_messages INTEGER NOT NULL DEFAULT 0,
  assistant_messages INTEGER NOT NULL DEFAULT 0,
  tokens INTEGER NOT NULL DEFAULT 0,
  audio_seconds REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS history (
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  entry_id TEXT NOT NULL,
  role TEXT NOT NULL,
  text TEXT NOT NULL,
  timestamp REAL NOT NULL,
  PRIMARY KEY (session_id, seq));
)sql";

class SqliteStore : public SessionStore {
 public:
  explicit SqliteStore(const std::string &path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open the session database '" + path + "': " + why);
    }
    exec(kSchema);
    migrate();
  }
  ~SqliteStore() override { sqlite3_close(db_); }

  std::optional<SessionRecord> get(const std::string &id) override {
    std::lock_guard lock(mutex_);
    return get_locked(id);
  }

  SessionRecord get_or_create(const std::string &id, double now, const std::string &owner) override {
    std::lock_guard lock(mutex_);
    create_locked(id, now, owner);
    return *get_locked(id);
  }

  void append(const std::string &session, const HistoryEntry &entry, std::int64_t tokens,
              double audio_seconds) override {
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
      create_locked(session, entry.timestamp);
      SessionRecord s = *get_locked(session);
      count(s.stats, s.history, entry, tokens, audio_seconds);
      Statement(db_,
                "UPDATE sessions SET last_activity = max(last_activity, ?2), messages = ?3, pairs = ?4, "
                "user_messages = ?5, assistant_messages = ?6, tokens = ?7, audio_seconds = ?8 WHERE id = ?1")
          .bind(1, session)
          .bind(2, entry.timestamp)
          .bind(3, s.stats.messages)
          .bind(4, s.stats.pairs)
          .bind(5, s.stats.user_messages)
          .bind(6, s.stats.assistant_messages)
          .bind(7, s.stats.tokens)
          .bind(8, s.stats.audio_seconds)
          .step();
      Statement(db_,
                "INSERT INTO history (session_id, seq, entry_id, role, text, timestamp) VALUES "
                "(?1, (SELECT coalesce(max(seq), 0) + 1 FROM history WHERE session_id = ?1), ?2, ?3, ?4, ?5)")
          .bind(1, session)
          .bind(2, entry.id)
          .bind(3, entry.role)
          .bind(4, entry.text)
          .bind(5, entry.timestamp)
          .step();
      exec("COMMIT");
    } catch (...) {
      exec("ROLLBACK");
      throw;
    }
  }

  std::vector<SessionSummary> list() override {
    std::lock_guard lock(mutex_);
    std::vector<SessionSummary> out;
    Statement q(db_, "SELECT id, owner, created_at, last_activity FROM sessions ORDER BY id");
    while (q.step()) out.push_back({q.text(0), q.text(1), q.real(2), q.real(3)});
    return out;
  }

  bool clear_history(const std::string &id) override {
    std::lock_guard lock(mutex_);
    if (!get_locked(id)) return false;
    Statement(db_, "DELETE FROM history WHERE session_id = ?1").bind(1, id).step();
    return true;
  }

  bool remove(const std::string &id) override {
    std::lock_guard lock(mutex_);
    Statement(db_, "DELETE FROM sessions WHERE id = ?1").bind(1, id).step();
    return sqlite3_changes(db_) > 0;
  }

  std::size_t remove_all() override {
    std::lock_guard lock(mutex_);
    exec("DELETE FROM sessions");
    return static_cast<std::size_t>(sqlite3_changes(db_));
  }

  std::size_t expire(double now, double idle_seconds) override {
    std::lock_guard lock(mutex_);
    Statement(db_, "DELETE FROM sessions WHERE ?1 - last_activity > ?2").bind(1, now).bind(2, idle_seconds).step();
    return static_cast<std::size_t>(sqlite3_changes(db_));
  }

  void touch(const std::string &id, double now) override {
    std::lock_guard lock(mutex_);
    create_locked(id, now);
    Statement(db_, "UPDATE sessions SET last_activity = max(last_activity, ?2) WHERE id = ?1")
        .bind(1, id)
        .bind(2, now)
        .step();
  }

 private:
  void exec(const char *sql) {
    char *error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string why = error != nullptr ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error("sqlite: " + why);
    }
  }

  void create_locked(const std::string &id, double now, const std::string &owner = {}) {
    Statement(db_, "INSERT OR IGNORE INTO sessions (id, owner, created_at, last_activity) VALUES (?1, ?3, ?2, ?2)")
        .bind(1, id)
        .bind(2, now)
        .bind(3, owner)
        .step();
  }

  // A database from before sessions had owners gets the column; its
  // sessions belong to nobody (with auth on, to admins only).
  void migrate() {
    Statement columns(db_, "SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'owner'");
    if (columns.step() && columns.integer(0) == 0)
      exec("ALTER TABLE sessions ADD COLUMN owner TEXT NOT NULL DEFAULT ''");
  }

  std::optional<SessionRecord> get_locked(const std::string &id) {
    Statement q(db_,
                "SELECT created_at, last_activity, messages, pairs, user_messages, assistant_messages, tokens, "
                "audio_seconds, owner FROM sessions WHERE id = ?1");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    SessionRecord s;
    s.id = id;
    s.created_at = q.real(0);
    s.last_activity = q.real(1);
    s.stats = {q.integer(2), q.integer(3), q.integer(4), q.integer(5), q.integer(6), q.real(7)};
    s.owner = q.text(8);
    Statement h(db_, "SELECT entry_id, role, text, timestamp FROM history WHERE session_id = ?1 ORDER BY seq");
    h.bind(1, id);
    while (h.step()) s.history.push_back({h.text(0), h.text(1), h.text(2), h.real(3)});
    return s;
  }

  std::mutex mutex_;
  sqlite3 *db_ = nullptr;
};

}  // namespace

std::unique_ptr<SessionStore> sqlite_store(const std::string &path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace switchboard::store
