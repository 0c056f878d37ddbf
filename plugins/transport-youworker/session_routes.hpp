// /v1/sessions (limit, offset), /v1/sessions/{id}/messages and DELETE
// /v1/sessions/{id}: the host's sessions, each client seeing its own (an
// admin, or everyone with auth off, sees all).
#pragma once

#include "switchboard/ext/sessions.h"
#include "switchboard/server/router.hpp"

namespace youworker {

void add_session_routes(switchboard::server::Router &router, const sb_sessions_ext &sessions);

}  // namespace youworker
