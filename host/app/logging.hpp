// Log setup: spdlog to stderr as text or JSON lines.
#pragma once

#include <string>

namespace switchboard::app {

// level: trace, debug, info, warn, error, off. format: text or json.
void configure_logging(const std::string &level, const std::string &format);

}  // namespace switchboard::app
