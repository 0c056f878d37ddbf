// Access to the fixture plugins and a host context for instances in tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "admin/metrics.hpp"
#include "core/control_queue.hpp"
#include "core/executor.hpp"
#include "core/manual_clock.hpp"
#include "core/system_clock.hpp"
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

// Workers, clock and metrics that outlive the instances a test creates.
// Real threads and real time by default; ManualHost below for determinism.
struct TestHost {
  explicit TestHost(unsigned threads = 2) : executor(threads) {}
  virtual ~TestHost() = default;

  core::ControlQueue control;  // the test's thread
  admin::Metrics metrics;
  core::Executor executor;
  core::SystemClock system_clock{executor};

  std::string config_dir = ".";  // where relative paths in plugin configs start

  virtual core::Clock &clock() { return system_clock; }
  plugin::HostContext context() { return {executor, metrics, clock(), control, {}, config_dir}; }

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

// Everything on the test's thread: a manual executor and a manual clock.
// run() executes what is ready; advance() moves time and runs what follows.
struct ManualHost : TestHost {
  ManualHost() : TestHost(0) {}
  core::ManualClock manual_clock;
  core::Clock &clock() override { return manual_clock; }

  void run() {
    do {
      manual_clock.flush();
    } while (executor.poll() + control.run_pending() > 0);
  }
  void advance(std::chrono::milliseconds d) {
    run();
    // Step in small increments so work posted by one timer sees the next.
    for (auto left = d; left.count() > 0; left -= std::chrono::milliseconds(1)) {
      manual_clock.advance(std::chrono::milliseconds(1));
      run();
    }
  }
};

}  // namespace switchboard::test
