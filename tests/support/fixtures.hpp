// Access to the fixture plugins and a host context for instances in tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "admin/metrics.hpp"
#include "core/executor.hpp"
#include "plugin/host_services.hpp"
#include "plugin/instance.hpp"
#include "plugin/loaded_plugin.hpp"

namespace switchboard::test {

inline std::filesystem::path fixture_plugin_dir() {
  return SWITCHBOARD_FIXTURE_PLUGIN_DIR;
}
inline std::filesystem::path fixture_plugin(const std::string &id) {
  return fixture_plugin_dir() / (id + ".so");
}

inline std::shared_ptr<plugin::LoadedPlugin> load_fixture(const std::string &id) {
  auto loaded = plugin::LoadedPlugin::load(fixture_plugin(id));
  if (auto *reason = std::get_if<std::string>(&loaded)) {
    throw std::runtime_error("fixture " + id + " refused: " + *reason);
  }
  return std::get<std::shared_ptr<plugin::LoadedPlugin>>(loaded);
}

// Workers and metrics that outlive the instances a test creates.
struct TestHost {
  admin::Metrics metrics;
  core::Executor executor{2};

  plugin::HostContext context() { return {executor, metrics}; }

  std::shared_ptr<plugin::Instance> create(const std::string &id,
                                           const nlohmann::json &config = nlohmann::json::object(),
                                           const std::string &name = "test") {
    std::string error;
    auto instance = plugin::Instance::create(load_fixture(id), name, config, context(), error);
    if (!instance) {
      throw std::runtime_error("cannot create " + id + ": " + error);
    }
    return instance;
  }
};

}  // namespace switchboard::test
