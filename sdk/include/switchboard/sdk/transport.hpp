// Transports for C++ plugins: derive from Transport.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "switchboard/sdk/status.hpp"
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
  // [reload thread] The config block changed at a reload: apply what can
  // be applied live. Throw sdk::Error(invalid_input, what) naming what
  // needs a restart; by default everything does.
  virtual void reconfigure(const nlohmann::json &config) {
    (void)config;
    throw Error(Status::invalid_input, "this transport applies config changes at restart only");
  }
};

}  // namespace switchboard::sdk
