// cache-memory: an in-process LRU cache with a byte budget and a time to live
// per entry, on the host's clock. Safe from many threads at once.
//
// config:
//   max_bytes: 67108864     keys and values together; the least recently used go first
//   ttl_seconds: 3600       when a put gives none
#include <list>
#include <mutex>
#include <unordered_map>

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

class MemoryCache : public sdk::Cache {
 public:
  explicit MemoryCache(sdk::Host &host)
      : host_(host),
        max_bytes_(host.config().value("max_bytes", std::uint64_t{64} << 20)),
        default_ttl_(std::chrono::seconds(host.config().value("ttl_seconds", 3600))) {}

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c, {"max_bytes", "ttl_seconds"}, errors)) return;
    cfg::expect_integer(c, "max_bytes", errors, 1, std::int64_t{1} << 40);
    cfg::expect_integer(c, "ttl_seconds", errors, 1, 365LL * 24 * 3600);
  }

  std::optional<std::string> get(std::string_view key) override {
    std::lock_guard lock(mutex_);
    const auto it = index_.find(std::string(key));
    if (it == index_.end()) {
      ++misses_;
      return std::nullopt;
    }
    if (host_.now() >= it->second->expires) {
      ++expirations_;
      ++misses_;
      remove(it->second);
      return std::nullopt;
    }
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
    return it->second->value;
  }

  void put(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
    const std::size_t size = key.size() + value.size();
    std::lock_guard lock(mutex_);
    if (const auto it = index_.find(std::string(key)); it != index_.end()) remove(it->second);
    if (size > max_bytes_) return;  // would evict everything and still not fit
    while (bytes_ + size > max_bytes_ && !lru_.empty()) {
      ++evictions_;
      remove(std::prev(lru_.end()));
    }
    lru_.push_front({std::string(key), std::string(value), host_.now() + (ttl.count() > 0 ? ttl : default_ttl_)});
    index_[lru_.front().key] = lru_.begin();
    bytes_ += size;
  }

  void erase(std::string_view key) override {
    std::lock_guard lock(mutex_);
    if (const auto it = index_.find(std::string(key)); it != index_.end()) remove(it->second);
  }

  void clear() override {
    std::lock_guard lock(mutex_);
    lru_.clear();
    index_.clear();
    bytes_ = 0;
  }

  nlohmann::json stats() override {
    std::lock_guard lock(mutex_);
    const auto lookups = hits_ + misses_;
    return {{"entries", lru_.size()},      {"bytes", bytes_},
            {"max_bytes", max_bytes_},     {"hits", hits_},
            {"misses", misses_},           {"evictions", evictions_},
            {"expirations", expirations_}, {"hit_rate", lookups > 0 ? static_cast<double>(hits_) / lookups : 0.0}};
  }

 private:
  struct Item {
    std::string key;
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };

  void remove(std::list<Item>::iterator it) {
    bytes_ -= it->key.size() + it->value.size();
    index_.erase(it->key);
    lru_.erase(it);
  }

  sdk::Host &host_;
  const std::uint64_t max_bytes_;
  const std::chrono::seconds default_ttl_;
  std::mutex mutex_;
  std::list<Item> lru_;
  std::unordered_map<std::string, std::list<Item>::iterator> index_;
  std::uint64_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::uint64_t evictions_ = 0;
  std::uint64_t expirations_ = 0;
};

SWITCHBOARD_PLUGIN(MemoryCache, "cache-memory", "1.0.0", "In-process LRU cache with a byte budget and TTL")
