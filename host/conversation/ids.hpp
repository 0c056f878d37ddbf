// Ids for sessions, turns and history entries: random (version 4) UUIDs.
#pragma once

#include <string>

namespace switchboard::conversation {

std::string new_id();

}  // namespace switchboard::conversation
