// The host extension "switchboard.sessions/1" (sdk/include/switchboard/ext/
// sessions.h): transports attach clients to conversations through it.
#pragma once

#include <functional>

#include "admin/metrics.hpp"
#include "admin/recent_turns.hpp"
#include "conversation/conversations.hpp"
#include "switchboard/ext/sessions.h"

namespace switchboard::app {

class SessionsExtension {
 public:
  // `conversations` is asked at each call (the host may not have started).
  SessionsExtension(std::function<conversation::Conversations *()> conversations, admin::Metrics &metrics,
                    admin::RecentTurns &recent);

  const sb_sessions_ext *raw() const noexcept { return &ext_; }

 private:
  struct Attachment;
  struct Handle;

  void *attach(const char *id, const std::string &owner, bool any_owner, const sb_session_events *events,
               sb_sink id_out, sb_error *err);

  conversation::Conversations *conversations() const { return conversations_(); }

  std::function<conversation::Conversations *()> conversations_;
  admin::Metrics &metrics_;
  admin::RecentTurns &recent_;
  sb_sessions_ext ext_{};
};

// Seconds since the epoch as ISO 8601 UTC ("2024-01-15T10:30:00Z").
std::string iso8601(double seconds);

}  // namespace switchboard::app
