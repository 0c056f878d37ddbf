// POST /v1/chat/stream (Server-Sent Events: token events, then done),
// /v1/chat/voice and /v1/chat/unified (one UnifiedChatResponse): each a turn
// of the session it names (a new one when none), through the SDK's turn
// runner.
#pragma once

#include <cstdint>
#include <string>

#include "switchboard/ext/providers.h"
#include "switchboard/server/router.hpp"
#include "switchboard/server/turn_runner.hpp"

namespace youworker {

struct ChatContext {
  switchboard::server::TurnRunner &turns;
  const sb_providers_ext *providers;  // the llm chain's names, for `model`
  std::uint32_t sample_rate;          // audio_b64 out, as documented (22050)
  std::size_t max_audio_bytes;
  std::string language;  // stt_language and assistant_language when none is asked
};

void add_chat_routes(switchboard::server::Router &router, const ChatContext &context);

}  // namespace youworker
