// Starting and stopping a transport plugin from the host.
#pragma once

#include <string>

#include "plugin/instance.hpp"
#include "switchboard/sdk/status.hpp"

namespace switchboard::plugin {

// Starts listening on `listen`; on success `bound` holds the address in use.
sdk::Outcome start_transport(const Instance &transport, const std::string &listen, std::string &bound);
void stop_transport(const Instance &transport);
// The transport's config block changed at a reload; an error names what
// still needs a restart (everything, for a transport older than ABI 1.3).
sdk::Outcome reconfigure_transport(const Instance &transport, const std::string &config_json);

}  // namespace switchboard::plugin
