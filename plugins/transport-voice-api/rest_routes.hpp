// The REST half of the Voice Assistant API (../shared/apis/voice-assistant.md),
// plus what an operator needs beyond it: one provider's reset or force-open,
// reload, Prometheus metrics, the OpenAPI description.
#pragma once

#include "host_views.hpp"
#include "switchboard/server/server.hpp"

namespace voice_api {

switchboard::server::Response route(const switchboard::server::Request &request, const HostViews &views);

// {"detail": message} with a status: the API's one error shape.
switchboard::server::Response detail(int status, const std::string &message);

}  // namespace voice_api
