#include "plugin/transport_client.hpp"

#include "plugin/outcome.hpp"
#include "switchboard/transport.h"

namespace switchboard::plugin {

sdk::Outcome start_transport(const Instance &transport, const std::string &listen, std::string &bound) {
  sb_error err = empty_error();
  bound.clear();
  const sb_status status =
      transport.vtable<sb_transport_vtable>().start(transport.handle(), listen.c_str(), string_sink(bound), &err);
  return status == SB_OK ? sdk::Outcome{} : outcome_of(status, &err);
}

void stop_transport(const Instance &transport) {
  transport.vtable<sb_transport_vtable>().stop(transport.handle());
}

}  // namespace switchboard::plugin
