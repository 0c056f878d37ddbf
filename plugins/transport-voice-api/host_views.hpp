// The host extensions the transport serves, and calling them into strings.
#pragma once

#include <string>

#include "switchboard/ext/admin.h"
#include "switchboard/ext/providers.h"
#include "switchboard/ext/sessions.h"
#include "switchboard/server/ext_call.hpp"

namespace voice_api {

struct HostViews {
  const sb_providers_ext *providers = nullptr;
  const sb_sessions_ext *sessions = nullptr;
  const sb_admin_ext *admin = nullptr;
};

// What an extension writes, and one call's error.
using Text = switchboard::server::SinkText;
using Failure = switchboard::server::ExtError;

}  // namespace voice_api
