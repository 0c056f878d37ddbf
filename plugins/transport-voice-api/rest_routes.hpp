// The REST routes of the Voice Assistant API, declared in the transport's
// one route table (switchboard/server/router.hpp) with the role each needs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "host_views.hpp"
#include "switchboard/server/router.hpp"
#include "switchboard/server/session_turn.hpp"

namespace voice_api {

// An error as the API writes it: {"detail": message}.
switchboard::server::Response detail(int status, const std::string &message);

// A session id is 1 to 128 characters of A-Z a-z 0-9 and "-._~" (a UUID,
// a ULID, a slug); who may see one: the SDK's rules, shared by transports.
using switchboard::server::may_see;
using switchboard::server::valid_session_id;

// `api_requests`: the requests this API has answered (the metrics'
// total_requests).
void add_rest_routes(switchboard::server::Router &router, const HostViews &views,
                     std::function<std::uint64_t()> api_requests);

}  // namespace voice_api
