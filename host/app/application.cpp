#include "app/application.hpp"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "plugin/transport_client.hpp"

namespace switchboard::app {
namespace {

unsigned worker_count() {
  return std::max(2u, std::thread::hardware_concurrency());
}

std::string names(const std::vector<std::shared_ptr<plugin::Instance>> &chain) {
  std::string out;
  for (const auto &i : chain) {
    out += (out.empty() ? "" : ", ") + i->name();
  }
  return "[" + out + "]";
}

}  // namespace

Application::Application(config::Config config, std::shared_ptr<plugin::Registry> registry)
    : config_(std::move(config)), registry_(std::move(registry)), executor_(worker_count()) {}

Application::~Application() {
  stop();
}

std::shared_ptr<plugin::Instance> Application::create(const std::string &kind, const std::string &name,
                                                      const std::string &plugin_id, const nlohmann::json &config) {
  auto loaded = registry_->find(plugin_id);
  if (!loaded) {
    spdlog::error("{} '{}': plugin '{}' is not loaded; left out", kind, name, plugin_id);
    return nullptr;
  }
  std::string error;
  auto instance = plugin::Instance::create(loaded, name, config, plugin::HostContext{executor_, metrics_}, error);
  if (!instance) {
    spdlog::error("{} '{}': plugin '{}' ({}) failed to start: {}; left out", kind, name, plugin_id,
                  loaded->info().path.string(), error);
  }
  return instance;
}

Application::Providers Application::create_providers(const config::Config &config) {
  Providers out;
  const std::pair<const std::vector<config::ProviderSpec> *, std::vector<std::shared_ptr<plugin::Instance>> *>
      chains[] = {{&config.stt, &out.stt}, {&config.llm, &out.llm}, {&config.tts, &out.tts}};
  for (const auto &[specs, instances] : chains) {
    for (const auto &spec : *specs) {
      if (auto instance = create(spec.kind, spec.name, spec.plugin, spec.config)) {
        instances->push_back(std::move(instance));
      }
    }
  }
  if (config.cache) {
    out.cache = create("cache", config.cache->name, config.cache->plugin, config.cache->config);
  }
  return out;
}

void Application::start() {
  started_ = true;
  Providers providers = create_providers(config_);
  {
    std::lock_guard lock(mutex_);
    providers_ = std::move(providers);
  }
  for (const auto &spec : config_.transports) {
    auto instance = create("transport", spec.name, spec.plugin, spec.config);
    if (!instance) {
      continue;
    }
    std::string bound;
    if (const auto outcome = plugin::start_transport(*instance, spec.listen, bound); !outcome.ok()) {
      spdlog::error("transport '{}' cannot listen on {}: {}", spec.name, spec.listen, outcome.message);
      continue;
    }
    spdlog::info("transport '{}' listening on {}", spec.name, bound);
    transports_.push_back({std::move(instance), bound});
  }
  std::lock_guard lock(mutex_);
  spdlog::info("switchboard ready: stt={} llm={} tts={} cache={} transports={}", names(providers_.stt),
               names(providers_.llm), names(providers_.tts), providers_.cache ? providers_.cache->name() : "none",
               transports_.size());
}

void Application::reload(config::Config next, std::shared_ptr<plugin::Registry> registry) {
  registry_ = std::move(registry);
  Providers providers = create_providers(next);
  const bool transports_changed =
      next.transports.size() != config_.transports.size() ||
      !std::equal(next.transports.begin(), next.transports.end(), config_.transports.begin(),
                  [](const auto &a, const auto &b) {
                    return a.name == b.name && a.plugin == b.plugin && a.listen == b.listen && a.config == b.config;
                  });
  {
    std::lock_guard lock(mutex_);
    std::swap(providers_, providers);
  }
  config_ = std::move(next);
  std::lock_guard lock(mutex_);
  spdlog::info("config reloaded: stt={} llm={} tts={} cache={}", names(providers_.stt), names(providers_.llm),
               names(providers_.tts), providers_.cache ? providers_.cache->name() : "none");
  if (transports_changed) {
    spdlog::warn("the transports section changed; restart the host to apply it");
  }
}

void Application::stop() {
  if (!started_) {
    return;
  }
  started_ = false;
  for (auto it = transports_.rbegin(); it != transports_.rend(); ++it) {
    plugin::stop_transport(*it->instance);
  }
  transports_.clear();
  Providers providers;
  {
    std::lock_guard lock(mutex_);
    std::swap(providers_, providers);
  }
  providers = Providers{};
  executor_.stop();
  spdlog::info("switchboard stopped");
}

std::vector<std::shared_ptr<plugin::Instance>> Application::chain(const std::string &kind) const {
  std::lock_guard lock(mutex_);
  if (kind == "stt") return providers_.stt;
  if (kind == "tts") return providers_.tts;
  return providers_.llm;
}

std::shared_ptr<plugin::Instance> Application::cache() const {
  std::lock_guard lock(mutex_);
  return providers_.cache;
}

}  // namespace switchboard::app
