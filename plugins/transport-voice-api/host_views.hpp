// The host extensions the transport serves, and calling them into strings.
#pragma once

#include <string>

#include "switchboard/ext/admin.h"
#include "switchboard/ext/providers.h"
#include "switchboard/ext/sessions.h"

namespace voice_api {

struct HostViews {
  const sb_providers_ext *providers = nullptr;
  const sb_sessions_ext *sessions = nullptr;
  const sb_admin_ext *admin = nullptr;
};

// Collects what an extension writes to a sink.
struct Text {
  std::string value;
  sb_sink sink() {
    return {
        [](void *user, const char *data, std::size_t size) { static_cast<std::string *>(user)->append(data, size); },
        &value};
  }
};

// An error buffer for one extension call.
struct Failure {
  sb_error error{sizeof(sb_error), 0, {}};
  std::string message() const { return error.message; }
};

}  // namespace voice_api
