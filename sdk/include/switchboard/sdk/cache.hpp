// Caches for C++ plugins: derive from Cache. Every method may be called from
// many threads at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "switchboard/cache.h"

namespace switchboard::sdk {

class Cache {
 public:
  virtual ~Cache() = default;
  virtual std::optional<std::string> get(std::string_view key) = 0;
  // ttl zero: the configured default.
  virtual void put(std::string_view key, std::string_view value, std::chrono::seconds ttl) = 0;
  virtual void erase(std::string_view key) = 0;
  virtual void clear() = 0;
  // At least "entries", "bytes", "hits", "misses", "evictions".
  virtual nlohmann::json stats() = 0;
};

}  // namespace switchboard::sdk
