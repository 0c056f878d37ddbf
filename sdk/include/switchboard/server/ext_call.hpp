// Calling the host's C extensions from C++: a sink that collects what an
// extension writes, and an error buffer for one call.
#pragma once

#include <string>

#include "switchboard/abi.h"

namespace switchboard::server {

struct SinkText {
  std::string value;
  sb_sink sink() {
    return {
        [](void *user, const char *data, std::size_t size) { static_cast<std::string *>(user)->append(data, size); },
        &value};
  }
};

struct ExtError {
  sb_error error{sizeof(sb_error), 0, {}};
  std::string message() const { return error.message; }
};

}  // namespace switchboard::server
