#include "plugin/instance.hpp"

namespace switchboard::plugin {

std::shared_ptr<Instance> Instance::create(std::shared_ptr<const LoadedPlugin> plugin, const std::string &name,
                                           const nlohmann::json &config, HostContext context, std::string &error) {
  std::shared_ptr<Instance> instance(new Instance());
  instance->name_ = name;
  instance->services_ = std::make_unique<HostServices>(context, kind_name(plugin->info().kind), name,
                                                       config.is_null() ? "{}" : config.dump());
  sb_error err{};
  err.struct_size = sizeof err;
  instance->handle_ = plugin->descriptor().create(instance->services_->raw(), &err);
  instance->plugin_ = std::move(plugin);
  if (instance->handle_ == nullptr) {
    error = err.message[0] != '\0' ? err.message : "the plugin's factory failed without a message";
    return nullptr;
  }
  return instance;
}

Instance::~Instance() {
  if (services_) {
    services_->drain();
  }
  if (handle_ != nullptr) {
    plugin_->descriptor().destroy(handle_);
  }
}

}  // namespace switchboard::plugin
