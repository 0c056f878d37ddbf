// Chains built from a YAML snippet, with real plugins (shipped and fixtures)
// on a manual executor and clock: every test step is explicit and repeatable.
#pragma once

#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

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
  explicit BasicChainHarness(const std::string &yaml) {
    config::Diagnostics diags;
    const auto doc = config::YamlDocument::parse(yaml, "test.yaml", config::process_env(), diags);
    config = config::decode(doc, diags);
    if (!diags.empty()) throw std::runtime_error(config::format(diags.items().front()));
    registry.scan({shipped_plugin_dir(), fixture_plugin_dir()});
    chains = build(nullptr);
  }

  std::shared_ptr<resilience::Chains> build(const resilience::Chains *previous) {
    resilience::InstanceFor instance_for = [this](const config::ProviderSpec &spec, std::string &why) {
      auto plugin = registry.find(spec.plugin);
      if (!plugin) {
        why = "no plugin " + spec.plugin;
        return std::shared_ptr<plugin::Instance>();
      }
      return plugin::Instance::create(plugin, spec.name, spec.config, this->context(), why);
    };
    resilience::ChainContext ctx{this->clock(), this->executor, [this](const resilience::ChainEvent &e) {
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

  ~BasicChainHarness() override {
    chains.reset();
    if constexpr (std::is_base_of_v<ManualHost, Host>) this->run();
  }

  config::Config config;
  plugin::Registry registry;
  std::shared_ptr<resilience::Chains> chains;
  std::vector<resilience::ChainEvent> events;
  mutable std::mutex events_mutex;
};

// Everything on the test's thread, time stepped by the test.
using ChainHarness = BasicChainHarness<ManualHost>;
// Real worker threads and real time.
using ThreadedChainHarness = BasicChainHarness<TestHost>;

}  // namespace switchboard::test
