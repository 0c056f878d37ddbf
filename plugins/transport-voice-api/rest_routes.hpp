// The REST routes of the Voice Assistant API, declared in the transport's
// one route table (switchboard/server/router.hpp) with the role each needs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "host_views.hpp"
#include "switchboard/server/router.hpp"

namespace voice_api {

// An error as the API writes it: {"detail": message}.
switchboard::server::Response detail(int status, const std::string &message);

// Whether a session id is one the API serves: 1 to 128 characters of
// A-Z a-z 0-9 and "-._~" (a UUID, a ULID, a slug).
bool valid_session_id(const std::string &id);

// Who may see a session: its owner, or an admin (everyone when auth is off).
bool may_see(const switchboard::server::Identity &who, const std::string &owner);

// `api_requests`: the requests this API has answered (the metrics'
// total_requests).
void add_rest_routes(switchboard::server::Router &router, const HostViews &views,
                     std::function<std::uint64_t()> api_requests);

}  // namespace voice_api
