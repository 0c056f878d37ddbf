// Calling a cache plugin from the host. Failures come back as outcomes; a
// miss is not a failure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "plugin/instance.hpp"
#include "switchboard/sdk/status.hpp"

namespace switchboard::plugin {

class CacheClient {
 public:
  explicit CacheClient(const Instance &cache) : cache_(cache) {}

  sdk::Outcome get(std::string_view key, std::optional<std::string> &value) const;
  sdk::Outcome put(std::string_view key, std::string_view value, std::uint32_t ttl_seconds = 0) const;
  sdk::Outcome erase(std::string_view key) const;
  sdk::Outcome clear() const;
  sdk::Outcome stats(nlohmann::json &out) const;

 private:
  const Instance &cache_;
};

}  // namespace switchboard::plugin
