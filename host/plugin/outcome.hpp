// Turning what a plugin reported into an Outcome.
#pragma once

#include "switchboard/abi.h"
#include "switchboard/sdk/status.hpp"

namespace switchboard::plugin {

inline sdk::Outcome outcome_of(sb_status status, const sb_error *error) {
  sdk::Outcome out;
  out.status = static_cast<sdk::Status>(status);
  if (error != nullptr) {
    out.message = error->message;
    out.retry_after_ms = error->retry_after_ms;
  }
  return out;
}

inline sb_error empty_error() {
  sb_error err{};
  err.struct_size = sizeof err;
  return err;
}

// An sb_sink appending to a std::string.
inline sb_sink string_sink(std::string &out) {
  return sb_sink{
      [](void *user, const char *data, size_t size) { static_cast<std::string *>(user)->append(data, size); }, &out};
}

}  // namespace switchboard::plugin
