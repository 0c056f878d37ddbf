// The Poppins API's routes (../shared/apis/poppins.md): health, the LLM
// probe, the /chat family (plain, SSE streams, spoken answers, audio in)
// and the session views, declared in the transport's one route table.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "chat.hpp"
#include "switchboard/server/router.hpp"

namespace poppins {

// An error as the API writes it: {"detail": message}.
switchboard::server::Response detail(int status, const std::string &message);

void add_chat_routes(switchboard::server::Router &router, Chat &chat, std::size_t max_audio_bytes);
void add_session_routes(switchboard::server::Router &router, const sb_sessions_ext &sessions);

}  // namespace poppins
