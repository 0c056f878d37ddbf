// Whether each provider chain can answer now, as a published API's health
// route reports it, from the host's admin view (switchboard/ext/admin.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "switchboard/ext/admin.h"

namespace switchboard::server {

struct ChainHealth {
  // A chain is ready when one of its providers is available (its breaker
  // closed or half open); "degraded" (a fallback answers) is ready.
  bool stt = false, llm = false, tts = false;
  std::string status;  // the host's: healthy, degraded or unhealthy
  std::size_t active_sessions = 0;
};

// None when the host offers no admin view or its view fails.
std::optional<ChainHealth> chain_health(const sb_admin_ext *admin);

}  // namespace switchboard::server
