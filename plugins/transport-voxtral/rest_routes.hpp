// The REST side of the API: /health, /api/voices, /api/stats, the OpenAPI
// description with its two pages (/docs, /redoc) and the web client (/).
#pragma once

#include <cstdint>
#include <functional>

#include "switchboard/ext/admin.h"
#include "switchboard/ext/providers.h"
#include "switchboard/server/router.hpp"
#include "voices.hpp"
#include "voxtral_socket.hpp"

namespace voxtral {

struct RestContext {
  const Voices &voices;
  Counters &counters;
  const sb_admin_ext *admin;
  const sb_providers_ext *providers;
  std::size_t max_connections;
  std::uint32_t input_rate;                     // what raw audio is taken to be
  std::function<std::uint64_t()> api_requests;  // the gateway's count
};

// The server's side of /health's and status_response's readiness.
nlohmann::json server_status(const RestContext &c);

void add_rest_routes(switchboard::server::Router &router, const RestContext &context);

// FastAPI's error body, which the API's server answered with.
switchboard::server::Response detail(int status, const std::string &message);

}  // namespace voxtral
