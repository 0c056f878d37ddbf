// Times as the APIs and the JSON logs show them.
#pragma once

#include <chrono>
#include <string>

namespace switchboard::core {

// ISO 8601 in UTC with milliseconds: 2024-01-15T10:30:00.123Z.
std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace switchboard::core
