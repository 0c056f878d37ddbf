// The Redis store: sessions every host behind a balancer sees, so a client
// that reconnects to another host finds its history there. Each update is
// one Lua script (redis_scripts.hpp); reads are one pipelined round trip.
// A Redis that cannot be reached throws StoreUnavailable: the fallback
// store (fallback_store.cpp) keeps the conversation going in memory.
#include <algorithm>
#include <cstdio>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "store/redis_scripts.hpp"
#include "store/session_store.hpp"
#include "switchboard/redis/client.hpp"

namespace switchboard::store {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

double real(const std::string &text) {
  return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr);
}

class RedisStore : public SessionStore {
 public:
  RedisStore(const RedisSettings &settings)
      : prefix_(settings.key_prefix), ttl_(std::to_string(settings.ttl_seconds)), redis_(settings.options) {}

  std::optional<SessionRecord> get(const std::string &id) override {
    return guarded([&] { return read(id); });
  }

  SessionRecord get_or_create(const std::string &id, double now, const std::string &owner) override {
    return guarded([&] {
      create(id, now, owner, false);
      auto record = read(id);
      // Redis let it go at its TTL between the two calls: it is new again.
      return record ? std::move(*record) : SessionRecord{id, owner, now, now, {}, {}};
    });
  }

  void append(const std::string &session, const HistoryEntry &entry, std::int64_t tokens,
              double audio_seconds) override {
    guarded([&] {
      const std::string json =
          nlohmann::json{{"id", entry.id}, {"role", entry.role}, {"text", entry.text}, {"timestamp", entry.timestamp}}
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      const auto record = record_key(session), history = history_key(session), index = index_key(),
                 ids = ids_key(session);
      const auto at = number(entry.timestamp), count = std::to_string(tokens), seconds = number(audio_seconds);
      redis_.script(redis_scripts::kAppend, {record, history, index, ids},
                    {session, json, entry.role, at, count, seconds, ttl_, entry.id});
      return 0;
    });
  }

  void touch(const std::string &id, double now) override {
    guarded([&] {
      create(id, now, {}, true);
      return 0;
    });
  }

  std::vector<SessionSummary> list() override {
    return guarded([&] {
      const auto ids = redis_.command({"ZRANGE", index_key(), "0", "-1"}).elements;
      std::vector<std::string> keys;
      std::vector<std::vector<std::string_view>> reads;
      keys.reserve(ids.size());
      for (const auto &id : ids) keys.push_back(record_key(id.string));
      for (const auto &key : keys) reads.push_back({"HMGET", key, "owner", "created_at", "last_activity"});
      std::vector<SessionSummary> out;
      if (reads.empty()) return out;
      const auto rows = redis_.pipeline(reads);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto &f = rows[i].elements;
        if (f.size() != 3 || f[1].nil()) continue;  // gone at its TTL; expire() tidies the index
        out.push_back({ids[i].string, f[0].string, real(f[1].string), real(f[2].string)});
      }
      std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
      return out;
    });
  }

  bool clear_history(const std::string &id) override {
    return guarded([&] {
      const auto replies = redis_.pipeline({{"EXISTS", record_key(id)}, {"DEL", history_key(id)}});
      return replies[0].integer > 0;
    });
  }

  bool remove(const std::string &id) override {
    return guarded([&] {
      const auto replies =
          redis_.pipeline({{"DEL", record_key(id)}, {"DEL", history_key(id), ids_key(id)}, {"ZREM", index_key(), id}});
      return replies[0].integer > 0;
    });
  }

  std::size_t remove_all() override { return remove_idle("+inf"); }

  std::size_t expire(double now, double idle_seconds) override {
    // Idle for more than idle_seconds: last activity strictly before now - idle.
    return remove_idle("(" + number(now - idle_seconds));
  }

 private:
  template <typename F>
  std::invoke_result_t<F &> guarded(F &&f) {
    try {
      return f();
    } catch (const redis::Unavailable &e) {
      throw StoreUnavailable(e.what());
    } catch (const redis::CommandError &e) {
      throw StoreUnavailable(e.what());
    }
  }

  std::size_t remove_idle(const std::string &max_activity) {
    return guarded([&] {
      const auto index = index_key();
      return static_cast<std::size_t>(
          redis_.script(redis_scripts::kRemoveIdle, {index}, {prefix_, max_activity}).integer);
    });
  }

  void create(const std::string &id, double now, const std::string &owner, bool touch) {
    const auto record = record_key(id), history = history_key(id), index = index_key(), ids = ids_key(id),
               at = number(now);
    redis_.script(redis_scripts::kCreate, {record, history, index, ids}, {id, at, owner, ttl_, touch ? "1" : "0"});
  }

  std::optional<SessionRecord> read(const std::string &id) {
    const auto record = record_key(id), history = history_key(id);
    const auto replies = redis_.pipeline({{"HGETALL", record}, {"LRANGE", history, "0", "-1"}});
    const auto &fields = replies[0].elements;
    if (fields.empty()) return std::nullopt;
    SessionRecord s;
    s.id = id;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      const auto &name = fields[i].string;
      const auto &value = fields[i + 1].string;
      if (name == "owner") s.owner = value;
      if (name == "created_at") s.created_at = real(value);
      if (name == "last_activity") s.last_activity = real(value);
      if (name == "messages") s.stats.messages = std::stoll(value);
      if (name == "pairs") s.stats.pairs = std::stoll(value);
      if (name == "user_messages") s.stats.user_messages = std::stoll(value);
      if (name == "assistant_messages") s.stats.assistant_messages = std::stoll(value);
      if (name == "tokens") s.stats.tokens = std::stoll(value);
      if (name == "audio_seconds") s.stats.audio_seconds = real(value);
    }
    for (const auto &e : replies[1].elements) {
      const auto j = nlohmann::json::parse(e.string, nullptr, false);
      if (!j.is_object()) continue;
      s.history.push_back({j.value("id", ""), j.value("role", ""), j.value("text", ""), j.value("timestamp", 0.0)});
    }
    return s;
  }

  std::string record_key(const std::string &id) const { return prefix_ + "session:" + id; }
  std::string history_key(const std::string &id) const { return prefix_ + "history:" + id; }
  std::string ids_key(const std::string &id) const { return prefix_ + "entries:" + id; }
  std::string index_key() const { return prefix_ + "sessions"; }

  const std::string prefix_;
  const std::string ttl_;
  redis::Client redis_;
};

}  // namespace

std::unique_ptr<SessionStore> redis_store(const RedisSettings &settings) {
  return std::make_unique<RedisStore>(settings);
}

}  // namespace switchboard::store
