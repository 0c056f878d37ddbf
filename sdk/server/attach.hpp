// Attaching a client to a session, for SessionTurn and LiveSession: as its
// subject where the host knows owners (ABI 1.3), else plainly.
#pragma once

#include <string>

#include "switchboard/ext/sessions.h"
#include "switchboard/server/auth.hpp"

namespace switchboard::server::detail {

// The attachment, with the session's id in `id_out`; null with `error`
// ("owned" when the session is another subject's).
void *attach_session(const sb_sessions_ext &sessions, const std::string &session_id, const Identity &who,
                     const sb_session_events *events, std::string &id_out, std::string &error);

// The attachment's session speaks in `voice` from its next turn (nothing
// on a host older than ABI 1.4).
void set_voice(const sb_sessions_ext &sessions, void *attachment, const std::string &voice);
// How the attachment's turns are answered (ABI 1.5); false with `error`
// when the host refuses the options or is older.
bool configure(const sb_sessions_ext &sessions, void *attachment, const std::string &options_json, std::string &error);

}  // namespace switchboard::server::detail
