// One plugin instance: created from a loaded plugin with its host services,
// destroyed before the library it came from can unload.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "plugin/host_services.hpp"
#include "plugin/loaded_plugin.hpp"

namespace switchboard::plugin {

class Instance {
 public:
  // Creates an instance named `name`; on failure returns null and sets error.
  // Call it on the control thread. Whichever thread drops the last reference,
  // the instance is destroyed on the control thread (see ControlQueue).
  static std::shared_ptr<Instance> create(std::shared_ptr<const LoadedPlugin> plugin, const std::string &name,
                                          const nlohmann::json &config, HostContext context, std::string &error);
  ~Instance();
  // Instances alive in this process, for an orderly shutdown.
  static int live() noexcept;
  Instance(const Instance &) = delete;
  Instance &operator=(const Instance &) = delete;

  const std::string &name() const noexcept { return name_; }
  const LoadedPlugin &plugin() const noexcept { return *plugin_; }
  void *handle() const noexcept { return handle_; }
  HostServices &services() noexcept { return *services_; }

  template <class VTable>
  const VTable &vtable() const noexcept {
    return plugin_->vtable<VTable>();
  }

 private:
  Instance() = default;

  // Declared first so it is released last: the code of everything below
  // lives in that library.
  std::shared_ptr<const LoadedPlugin> plugin_;
  std::unique_ptr<HostServices> services_;
  std::string name_;
  void *handle_ = nullptr;
};

}  // namespace switchboard::plugin
