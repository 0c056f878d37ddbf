// The running host: the plugin instances named in the config, the workers
// they share, and an orderly start and stop.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "admin/metrics.hpp"
#include "config/config.hpp"
#include "core/executor.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"

namespace switchboard::app {

struct StartedTransport {
  std::shared_ptr<plugin::Instance> instance;
  std::string bound;
};

class Application {
 public:
  Application(config::Config config, std::shared_ptr<plugin::Registry> registry);
  ~Application();
  Application(const Application &) = delete;
  Application &operator=(const Application &) = delete;

  // Creates every instance and starts the transports. A provider whose
  // factory fails is left out with an error line; the rest go on.
  void start();
  // Stops transports, then destroys instances, then lets libraries unload.
  void stop();
  // Swaps in the providers of `next` (already checked). Calls in flight keep
  // the instances they hold; transports are kept as they are.
  void reload(config::Config next, std::shared_ptr<plugin::Registry> registry);

  // A snapshot: a later reload does not change what the caller holds.
  std::vector<std::shared_ptr<plugin::Instance>> chain(const std::string &kind) const;
  std::shared_ptr<plugin::Instance> cache() const;
  const std::vector<StartedTransport> &transports() const noexcept { return transports_; }
  admin::Metrics &metrics() noexcept { return metrics_; }

 private:
  struct Providers {
    std::vector<std::shared_ptr<plugin::Instance>> stt;
    std::vector<std::shared_ptr<plugin::Instance>> llm;
    std::vector<std::shared_ptr<plugin::Instance>> tts;
    std::shared_ptr<plugin::Instance> cache;
  };

  std::shared_ptr<plugin::Instance> create(const std::string &kind, const std::string &name,
                                           const std::string &plugin_id, const nlohmann::json &config);
  Providers create_providers(const config::Config &config);

  config::Config config_;
  // Destroyed after every instance (members go in reverse order).
  std::shared_ptr<plugin::Registry> registry_;
  admin::Metrics metrics_;
  core::Executor executor_;
  mutable std::mutex mutex_;
  Providers providers_;
  std::vector<StartedTransport> transports_;
  bool started_ = false;
};

}  // namespace switchboard::app
