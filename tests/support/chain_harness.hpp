// Chains built from a YAML snippet, with real plugins (shipped and fixtures)
// on a manual executor and clock: every test step is explicit and repeatable.
#pragma once

#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "plugin/registry.hpp"
#include "resilience/chains.hpp"
#include "support/fixtures.hpp"

namespace switchboard::test {

inline std::filesystem::path shipped_plugin_dir() {
  return SWITCHBOARD_PLUGIN_DIR;
}

template <class Host>
struct BasicChainHarness : Host {
  // `file` names the YAML's file: relative paths in it start at its folder.
  explicit BasicChainHarness(const std::string &yaml, const std::filesystem::path &file = "test.yaml") {
    config::Diagnostics diags;
    const auto doc = config::YamlDocument::parse(yaml, file.string(), config::process_env(), diags);
    config = config::decode(doc, diags);
    if (!diags.empty()) throw std::runtime_error(config::format(diags.items().front()));
    this->config_dir = config.folder().string();
    registry.scan({shipped_plugin_dir(), fixture_plugin_dir()});
    wheel = std::make_unique<core::DeadlineWheel>(this->clock());
    chains = build(nullptr);
  }

  std::shared_ptr<resilience::Chains> build(const resilience::Chains *previous) {
    resilience::InstanceFor instance_for = [this](const config::ProviderSpec &spec, std::string &why) {
      auto plugin = registry.find(spec.plugin);
      if (!plugin) {
        why = "no plugin " + spec.plugin;
        return std::shared_ptr<plugin::Instance>();
      }
      auto instance = plugin::Instance::create(plugin, spec.name, spec.config, this->context(), why);
      created.push_back(instance);
      return instance;
    };
    resilience::ChainContext ctx{this->clock(), this->executor, *wheel, [this](const resilience::ChainEvent &e) {
                                   std::lock_guard lock(events_mutex);
                                   events.push_back(e);
                                 }};
    return resilience::Chains::build(config, instance_for, ctx, previous);
  }

  // How many global events of a type (and provider, when given) were seen.
  std::size_t count(resilience::ChainEvent::Type type, const std::string &provider = {}) const {
    std::lock_guard lock(events_mutex);
    std::size_t n = 0;
    for (const auto &e : events) n += e.type == type && (provider.empty() || e.provider == provider) ? 1 : 0;
    return n;
  }

  resilience::Provider &provider(const std::string &kind, const std::string &name) {
    for (const auto &p : chains->chain(kind)->providers()) {
      if (p->name == name) return *p;
    }
    throw std::runtime_error("no provider " + name);
  }

  // Waits, on this (the control) thread, until every instance made here is gone.
  ~BasicChainHarness() override {
    chains.reset();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto all_gone = [this] {
      for (const auto &w : created) {
        if (!w.expired()) return false;
      }
      return true;
    };
    int steps = 0;
    while (!all_gone() && std::chrono::steady_clock::now() < deadline && steps++ < 1000) {
      if constexpr (std::is_base_of_v<ManualHost, Host>) {
        this->run();
        if (!all_gone()) this->advance(std::chrono::milliseconds(10));
      } else {
        this->control.wait_and_run(std::chrono::milliseconds(100));
      }
    }
    // A call that never ended still holds its provider: that is a leak.
    if (!all_gone()) ADD_FAILURE() << "a plugin instance is still held after every call should have ended";
    // The workers go before the wheel does: a tick already due must not run
    // on a wheel that is gone (the host stops its workers first too).
    if constexpr (!std::is_base_of_v<ManualHost, Host>) this->executor.stop();
  }

  config::Config config;
  plugin::Registry registry;
  std::unique_ptr<core::DeadlineWheel> wheel;
  std::shared_ptr<resilience::Chains> chains;
  std::vector<resilience::ChainEvent> events;
  mutable std::mutex events_mutex;
  std::vector<std::weak_ptr<plugin::Instance>> created;
};

// Everything on the test's thread, time stepped by the test.
using ChainHarness = BasicChainHarness<ManualHost>;
// Real worker threads and real time.
using ThreadedChainHarness = BasicChainHarness<TestHost>;

}  // namespace switchboard::test
