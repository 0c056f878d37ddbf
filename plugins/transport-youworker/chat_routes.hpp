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
#include "usage_ledger.hpp"

namespace youworker {

struct ChatContext {
  switchboard::server::TurnRunner &turns;
  const sb_providers_ext *providers;  // the llm chain's names, for `model`
  std::uint32_t sample_rate;          // audio_b64 out, as documented (22050)
  std::size_t max_audio_bytes;
  std::string language;  // stt_language and assistant_language when none is asked
  bool documents;        // turns answer from the ingested documents (config `retrieval`)
  UsageLedger &ledger;
};

// A ToolEvent of the document ({tool, status, args, latency_ms,
// result_preview, error_message}) from the session's tool event.
nlohmann::json tool_event(const nlohmann::json &session_event);

// The session options a chat request asks for: its model (the llm chain's
// provider asked first), its tools, the documents.
nlohmann::json answer_options(const ChatContext &context, const std::string &model, bool tools);

// The llm chain's provider names and the models they answer with.
std::vector<std::string> llm_names(const sb_providers_ext *providers);

void add_chat_routes(switchboard::server::Router &router, const ChatContext &context);

}  // namespace youworker
