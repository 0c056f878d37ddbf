// Refusing a WebSocket after its upgrade: a browser's WebSocket cannot read
// the status of a refused upgrade, but it can read a message. The socket
// sends `message` (the API's own error, as text), then closes with `code`
// and `reason`; what the client sends meanwhile is ignored.
#pragma once

#include <cstdint>
#include <string>

#include "switchboard/server/router.hpp"

namespace switchboard::server {

void refuse_after_upgrade(SocketHandlers &handlers, OnOpen &on_open, std::string message, std::uint16_t code,
                          std::string reason);

}  // namespace switchboard::server
