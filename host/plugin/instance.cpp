#include "plugin/instance.hpp"

#include <atomic>

namespace switchboard::plugin {
namespace {

std::atomic<int> live_instances{0};

}  // namespace

int Instance::live() noexcept {
  return live_instances.load();
}

std::shared_ptr<Instance> Instance::create(std::shared_ptr<const LoadedPlugin> plugin, const std::string &name,
                                           const nlohmann::json &config, HostContext context, std::string &error) {
  core::ControlQueue &control = context.control;
  std::shared_ptr<Instance> instance(new Instance(), [&control](Instance *p) {
    if (control.on_control_thread()) {
      delete p;
    } else {
      control.post([p] { delete p; });
    }
  });
  live_instances.fetch_add(1);
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
  live_instances.fetch_sub(1);
  if (services_) {
    services_->drain();
  }
  if (handle_ != nullptr) {
    plugin_->descriptor().destroy(handle_);
  }
}

}  // namespace switchboard::plugin
