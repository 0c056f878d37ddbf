// What each CLI command does. Each returns the process exit code.
#pragma once

#include <iosfwd>

#include "app/cli.hpp"

namespace switchboard::app {

int run_command(const Command &command, std::ostream &out, std::ostream &err);

}  // namespace switchboard::app
