// A Poppins turn (a /chat request or a WebSocket message) is one turn of
// the SDK's turn runner (switchboard/server/turn_runner.hpp): every route
// and the socket run their turns through the transport's one runner, so
// the turns of a session never interleave.
#pragma once

#include "switchboard/server/turn_runner.hpp"

namespace poppins {

using Chat = switchboard::server::TurnRunner;
using TurnInput = switchboard::server::TurnInput;
using TurnOutput = switchboard::server::TurnOutput;

}  // namespace poppins
