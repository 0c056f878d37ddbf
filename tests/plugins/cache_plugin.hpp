// A cache plugin loaded through the real loader, for the tests every cache
// plugin must pass and for each one's own.
#pragma once

#include <gtest/gtest.h>

#include "plugin/cache_client.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::plugin {

struct CachePlugin : test::ManualHost {
  CachePlugin(const std::string &plugin, nlohmann::json config) {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    instance = Instance::create(registry.find(plugin), plugin, config, context(), error);
    if (!instance) throw std::runtime_error(error);
    cache = std::make_unique<CacheClient>(*instance);
  }
  ~CachePlugin() override {
    cache.reset();
    instance.reset();
  }
  std::optional<std::string> get(const std::string &k) {
    std::optional<std::string> v;
    EXPECT_TRUE(cache->get(k, v).ok());
    return v;
  }
  nlohmann::json stats() {
    nlohmann::json s;
    EXPECT_TRUE(cache->stats(s).ok());
    return s;
  }
  Registry registry;
  std::shared_ptr<Instance> instance;
  std::unique_ptr<CacheClient> cache;
};

}  // namespace switchboard::plugin
