#include "plugin/transport_client.hpp"

#include <cstddef>

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

sdk::Outcome reconfigure_transport(const Instance &transport, const std::string &config_json) {
  const auto &v = transport.vtable<sb_transport_vtable>();
  if (v.struct_size <= offsetof(sb_transport_vtable, reconfigure) || v.reconfigure == nullptr) {
    return {sdk::Status::invalid_input, "this transport applies config changes at restart only"};
  }
  sb_error err = empty_error();
  const sb_status status = v.reconfigure(transport.handle(), config_json.data(), config_json.size(), &err);
  return status == SB_OK ? sdk::Outcome{} : outcome_of(status, &err);
}

}  // namespace switchboard::plugin
