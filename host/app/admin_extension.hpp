// The host extension "switchboard.admin/1" (sdk/include/switchboard/ext/
// admin.h): health, metrics (JSON and Prometheus), the cache and reloading,
// for transports that serve them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "admin/metrics.hpp"
#include "admin/recent_turns.hpp"
#include "plugin/instance.hpp"
#include "resilience/chains.hpp"
#include "switchboard/ext/admin.h"

namespace switchboard::app {

struct AdminSources {
  std::function<std::shared_ptr<resilience::Chains>()> chains;
  std::function<std::shared_ptr<plugin::Instance>()> cache;
  std::function<std::size_t()> session_count;  // live sessions
  admin::Metrics &metrics;
  admin::RecentTurns &recent;
  // Re-reads and applies the config; returns the first problem, or "".
  std::function<std::string()> reload;
};

class AdminExtension {
 public:
  explicit AdminExtension(AdminSources sources);
  const sb_admin_ext *raw() const noexcept { return &ext_; }

  nlohmann::json health() const;
  nlohmann::json metrics() const;
  std::string prometheus() const;

 private:
  AdminSources sources_;
  sb_admin_ext ext_{};
};

}  // namespace switchboard::app
