// A session event as the JSON of the sessions host extension
// (sdk/include/switchboard/ext/sessions.h): what transports receive.
#pragma once

#include <nlohmann/json.hpp>

#include "conversation/events.hpp"

namespace switchboard::conversation {

// The event's JSON; AudioChunk has none (it travels as samples).
nlohmann::json event_json(const EventBody &body);

}  // namespace switchboard::conversation
