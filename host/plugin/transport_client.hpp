// Starting and stopping a transport plugin from the host.
#pragma once

#include <string>

#include "plugin/instance.hpp"
#include "switchboard/sdk/status.hpp"

namespace switchboard::plugin {

// Starts listening on `listen`; on success `bound` holds the address in use.
sdk::Outcome start_transport(const Instance &transport, const std::string &listen, std::string &bound);
void stop_transport(const Instance &transport);

}  // namespace switchboard::plugin
