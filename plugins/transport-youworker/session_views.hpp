// The host's sessions as this API shows them: one session's view, and the
// sessions a caller may see, the latest first.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"

namespace youworker {

// {"session_id","owner","created_at","last_activity","history":[..],..}, or nullopt.
std::optional<nlohmann::json> view_of(const sb_sessions_ext &sessions, const std::string &id);

// The list entries (session_id, owner, created_at, last_activity) `who` may
// see, the latest activity first, then by id: a stable order for paging.
// Nullopt when the host cannot list them.
std::optional<std::vector<nlohmann::json>> visible_sessions(const sb_sessions_ext &sessions,
                                                            const switchboard::server::Identity &who);

// Seconds since the epoch for an ISO 8601 date or time ("2025-01-26",
// "2025-01-26T15:00:00Z", "...+01:00", fractions allowed); nullopt when it
// is not one. A date alone is its first second, or with `end_of_day` its last.
std::optional<double> parse_iso8601(const std::string &text, bool end_of_day = false);

}  // namespace youworker
