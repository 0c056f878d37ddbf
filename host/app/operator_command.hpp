// The operator's commands against a running host, over its native API
// (transport-voice-api): status, providers, sessions, reset, force-open,
// reload. Tables for people, --json for scripts (the API's own answer).
#pragma once

#include <ostream>

#include "app/cli.hpp"

namespace switchboard::app {

// Exit 0 on success; 1 when the host answered with an error (printed to
// `err` with its status); 2 when it could not be reached.
int run_operator_command(const Command &cmd, std::ostream &out, std::ostream &err);

}  // namespace switchboard::app
