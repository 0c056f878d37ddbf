// `switchboard plugin-test PLUGIN.so [--config FILE --name INSTANCE]`: the
// ABI's contract checked on one plugin, for plugin authors (docs/plugin-guide.md).
#pragma once

#include <iosfwd>

#include "app/cli.hpp"

namespace switchboard::app {

// 0 when every check passed (or was skipped with its reason), 1 when one
// failed, 2 when the command could not run.
int plugin_test(const Command &cmd, std::ostream &out, std::ostream &err);

}  // namespace switchboard::app
