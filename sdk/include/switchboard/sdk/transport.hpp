// Transports for C++ plugins: derive from Transport.
#pragma once

#include <string>

#include "switchboard/transport.h"

namespace switchboard::sdk {

class Transport {
 public:
  virtual ~Transport() = default;
  // [main-thread] Starts listening on "host:port" and returns the bound
  // "host:port" (port 0 picks a free one).
  virtual std::string start(const std::string &listen) = 0;
  // [main-thread] Stops accepting and closes connections; returns once no
  // call into the host is in flight.
  virtual void stop() = 0;
};

}  // namespace switchboard::sdk
