// `switchboard ask`: one or more llm turns through the configured chain, from
// the command line: the answer streams to stdout, each turn's provider,
// fallbacks and time to stderr. For trying providers and watching failover.
// With --listen or --speak, whole turns through a session instead: a
// recording is heard, answered and (with --speak) spoken to a WAV file.
#pragma once

#include <iosfwd>

#include "app/application.hpp"
#include "app/cli.hpp"

namespace switchboard::app {

int run_ask(const Command &cmd, Application &application, std::ostream &out, std::ostream &err);

}  // namespace switchboard::app
