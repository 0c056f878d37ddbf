// The web console (web/, compiled in): GET / answers it to a browser (one
// that ranks text/html first) and the API's info JSON to everyone else, as
// before; its script, style and audio worklet beside it.
#pragma once

#include "switchboard/server/router.hpp"

namespace voice_api {

void add_console_routes(switchboard::server::Router &router);

}  // namespace voice_api
