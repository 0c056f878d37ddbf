// The API's error body: {"detail": ..., "status_code": ..., "timestamp": ...}
// (the document's "HTTP Error Responses"); validation errors are the
// framework's 422 detail list (switchboard/server/validation.hpp).
#pragma once

#include <string>

#include "switchboard/server/server.hpp"

namespace youworker {

switchboard::server::Response error_body(int status, const std::string &message);

// "2025-01-26T15:00:00Z" for seconds since the epoch.
std::string iso8601(double seconds);

}  // namespace youworker
