// cache-redis: the cache kept in Redis, so every host behind a balancer
// reuses the speech and answers any of them made. Values expire in Redis
// (its own clock); what Redis evicts under its maxmemory policy is simply a
// miss. A Redis that cannot be reached is a failed call, which the host
// takes as a miss (get) or as nothing kept (put): a turn never waits on it
// longer than timeout_ms, and after a failure not at all for retry_after_ms.
//
// config:
//   url: redis://127.0.0.1:6379     [[user]:password@]host[:port][/db]
//   key_prefix: "switchboard:cache:"
//   ttl_seconds: 3600                when a put gives none
//   max_value_bytes: 8388608         larger values are not kept
//   timeout_ms: 250
//   retry_after_ms: 1000             after a failure, calls skip Redis this long (0: never)
#include <atomic>

#include "switchboard/redis/client.hpp"
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;
namespace redis = switchboard::redis;

namespace {

// Redis's SCAN counts and sums (or deletes) the keys under a prefix without
// sending them to the host. KEYS: none; ARGV: the MATCH pattern.
// ARGV[2]: the prefix's length, which "bytes" leaves out (keys and values
// as the host gave them, as every cache counts them).
constexpr const char *kMeasure = R"lua(
local cursor, n, bytes = '0', 0, 0
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do
    n = n + 1
    bytes = bytes + #k - tonumber(ARGV[2]) + redis.call('STRLEN', k)
  end
until cursor == '0'
return {n, bytes}
)lua";

constexpr const char *kClear = R"lua(
local cursor, n = '0', 0
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = r[1]
  for _, k in ipairs(r[2]) do n = n + redis.call('UNLINK', k) end
until cursor == '0'
return n
)lua";

// The prefix as a SCAN pattern that matches it literally, then anything.
std::string pattern_of(const std::string &prefix) {
  std::string out;
  for (const char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out + "*";
}

redis::Options options_of(const nlohmann::json &c) {
  redis::Options o;
  o.timeout = std::chrono::milliseconds(c.value("timeout_ms", 250));
  o.retry_after = std::chrono::milliseconds(c.value("retry_after_ms", 1000));
  return redis::parse_url(c.value("url", std::string("redis://127.0.0.1:6379")), o);
}

}  // namespace

class RedisCache : public sdk::Cache {
 public:
  explicit RedisCache(sdk::Host &host)
      : host_(host),
        redis_(options_of(host.config())),
        prefix_(host.config().value("key_prefix", std::string("switchboard:cache:"))),
        default_ttl_(host.config().value("ttl_seconds", 3600)),
        max_value_bytes_(host.config().value("max_value_bytes", std::uint64_t{8} << 20)) {
    host.info("cache in " + redis::redacted(redis_.options()) + " under '" + prefix_ + "'");
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c, {"url", "key_prefix", "ttl_seconds", "max_value_bytes", "timeout_ms", "retry_after_ms"},
                         errors)) {
      return;
    }
    cfg::expect_string(c, "key_prefix", errors);
    cfg::expect_integer(c, "ttl_seconds", errors, 1, 365LL * 24 * 3600);
    cfg::expect_integer(c, "max_value_bytes", errors, 1, 512LL << 20);  // Redis's own limit
    cfg::expect_integer(c, "timeout_ms", errors, 1, 60000);
    cfg::expect_integer(c, "retry_after_ms", errors, 0, 600000);
    cfg::expect_string(c, "url", errors);
    if (c.contains("url") && c["url"].is_string()) {
      try {
        (void)redis::parse_url(c["url"].get<std::string>());
      } catch (const std::invalid_argument &e) {
        errors.add(cfg::pointer("url"), e.what());
      }
    }
  }

  std::optional<std::string> get(std::string_view key) override {
    auto reply = call([&] { return redis_.command({"GET", prefix_ + std::string(key)}); });
    if (reply.nil()) {
      ++misses_;
      return std::nullopt;
    }
    ++hits_;
    return std::move(reply.string);
  }

  void put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
    if (value.size() > max_value_bytes_) {
      ++too_large_;
      return;
    }
    const auto seconds = std::to_string(ttl.count() > 0 ? ttl.count() : default_ttl_);
    call([&] { return redis_.command({"SET", prefix_ + std::string(key), value, "EX", seconds}); });
  }

  void erase(std::string_view key) override {
    call([&] { return redis_.command({"UNLINK", prefix_ + std::string(key)}); });
  }

  void clear() override {
    const auto pattern = pattern_of(prefix_);
    call([&] { return redis_.script(kClear, {}, {pattern}); });
  }

  nlohmann::json stats() override {
    const auto pattern = pattern_of(prefix_);
    const auto prefix_size = std::to_string(prefix_.size());
    const auto measured = call([&] { return redis_.script(kMeasure, {}, {pattern, prefix_size}); });
    const auto hits = hits_.load(), misses = misses_.load();
    return {{"entries", measured.elements.at(0).integer},
            {"bytes", measured.elements.at(1).integer},
            {"hits", hits},
            {"misses", misses},
            {"evictions", 0},  // Redis evicts under its maxmemory policy, unseen here: a later miss
            {"too_large", too_large_.load()},
            {"errors", errors_.load()},
            {"hit_rate", hits + misses > 0 ? static_cast<double>(hits) / static_cast<double>(hits + misses) : 0.0},
            {"available", redis_.available()}};
  }

 private:
  // A Redis that cannot be reached fails the call as retryable, logged once
  // per outage; the host treats it as a miss.
  template <typename F>
  redis::Reply call(F &&f) {
    try {
      auto reply = f();
      if (down_.exchange(false)) host_.info("redis reachable again");
      return reply;
    } catch (const redis::Unavailable &e) {
      ++errors_;
      if (!down_.exchange(true)) host_.warn(std::string(e.what()) + "; every lookup is a miss until it answers");
      throw sdk::Error(sdk::Status::retryable, e.what());
    } catch (const redis::CommandError &e) {
      ++errors_;
      throw sdk::Error(sdk::Status::fatal, e.what());
    }
  }

  sdk::Host &host_;
  redis::Client redis_;
  const std::string prefix_;
  const long long default_ttl_;
  const std::uint64_t max_value_bytes_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> too_large_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<bool> down_{false};
};

SWITCHBOARD_PLUGIN(RedisCache, "cache-redis", "1.0.0", "Cache shared by every host, in Redis")
