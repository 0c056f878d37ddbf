// The running host: the plugin instances named in the config arranged in
// chains, the workers and clock they share, and an orderly start, reload and
// stop.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "admin/metrics.hpp"
#include "admin/recent_turns.hpp"
#include "app/admin_extension.hpp"
#include "app/documents_extension.hpp"
#include "app/sessions_extension.hpp"
#include "config/config.hpp"
#include "conversation/conversations.hpp"
#include "core/control_queue.hpp"
#include "core/deadline_wheel.hpp"
#include "core/executor.hpp"
#include "core/system_clock.hpp"
#include "plugin/instance.hpp"
#include "plugin/registry.hpp"
#include "resilience/breaker_news.hpp"
#include "resilience/chains.hpp"
#include "switchboard/ext/providers.h"

namespace switchboard::app {

struct StartedTransport {
  std::shared_ptr<plugin::Instance> instance;
  std::string bound;
  std::string name;
};

class Application {
 public:
  Application(config::Config config, std::shared_ptr<plugin::Registry> registry);
  ~Application();
  Application(const Application &) = delete;
  Application &operator=(const Application &) = delete;

  // Creates every instance, builds the chains and starts the transports
  // (unless with_transports is false). A provider whose factory fails stays
  // in its chain, disabled, with the reason as its last error; the rest go on.
  void start(bool with_transports = true);
  // Stops transports, then drops chains and instances, then lets libraries unload.
  void stop();
  // Waits until no session has a turn under way, or `grace` has passed;
  // returns how many turns were still under way (SIGTERM calls it before stop).
  std::size_t finish_turns(std::chrono::milliseconds grace);
  // Swaps in the chains of `next` (already checked). Providers whose entries
  // did not change carry over with their instance, breaker and numbers;
  // calls in flight finish on what they started with. Transports stay.
  void reload(config::Config next, std::shared_ptr<plugin::Registry> registry);

  // Snapshots: a later reload does not change what the caller holds.
  std::shared_ptr<resilience::Chains> chains() const;
  std::shared_ptr<plugin::Instance> cache() const;
  // Breaker news between hosts; null when no provider shares its breaker.
  resilience::BreakerNews *breaker_news() noexcept { return breaker_news_.get(); }
  const std::vector<StartedTransport> &transports() const noexcept { return transports_; }
  admin::Metrics &metrics() noexcept { return metrics_; }
  // Runs on the control thread: instances are destroyed here.
  core::ControlQueue &control() noexcept { return control_; }
  // The sessions (null before start and after stop).
  conversation::Conversations *conversations() noexcept { return conversations_.get(); }
  // A host extension by id, as plugins get it through sb_host.get_extension.
  const void *extension(const std::string &id) const;
  // How a transport's reload request is carried out (serve sets it: the
  // config file is re-read on the control thread). Returns the first
  // problem, or "".
  void set_reloader(std::function<std::string()> reloader) {
    std::lock_guard lock(reloader_mutex_);
    reloader_ = std::move(reloader);
  }

 private:
  std::shared_ptr<plugin::Instance> create(const std::string &kind, const std::string &name,
                                           const std::string &plugin_id, const nlohmann::json &config,
                                           std::string &error);
  std::shared_ptr<resilience::Chains> build_chains(const config::Config &config, const resilience::Chains *previous);
  void on_chain_event(const resilience::ChainEvent &event);
  // Breaker news (circuit: {share: redis}): started when a provider shares.
  void start_breaker_news(const config::Config &config);
  void move_transport(config::TransportSpec &spec, const std::string &was);
  void tell_other_hosts(const resilience::ChainEvent &event);
  void on_breaker_news(const resilience::BreakerNewsItem &item);
  void start_conversations();
  void schedule_expiry();
  plugin::HostContext host_context();

  config::Config config_;
  core::ControlQueue control_;  // the constructing (main) thread is the control thread
  // Destroyed after every instance (members go in reverse order).
  std::shared_ptr<plugin::Registry> registry_;
  admin::Metrics metrics_;
  core::Executor executor_;
  core::SystemClock clock_{executor_};
  core::DeadlineWheel wheel_{clock_};
  sb_providers_ext providers_ext_{};
  admin::RecentTurns recent_turns_;
  std::mutex reloader_mutex_;
  std::function<std::string()> reloader_;
  std::string reload_now() {
    std::function<std::string()> reloader;
    {
      std::lock_guard lock(reloader_mutex_);
      reloader = reloader_;
    }
    return reloader ? reloader() : std::string("this host cannot reload");
  }
  SessionsExtension sessions_ext_{[this] { return conversations_.get(); }, metrics_, recent_turns_};
  AdminExtension admin_ext_{
      AdminSources{[this] { return chains(); }, [this] { return cache(); },
                   [this] { return conversations_ ? conversations_->live_count() : 0; }, metrics_, recent_turns_,
                   [this] { return reloader_ ? reloader_() : std::string("this host cannot reload"); }}};

  mutable std::mutex mutex_;
  std::shared_ptr<resilience::Chains> chains_;
  std::shared_ptr<plugin::Instance> cache_;
  std::vector<StartedTransport> transports_;
  bool started_ = false;
  std::unique_ptr<resilience::BreakerNews> breaker_news_;

  std::shared_ptr<documents::DocumentStore> documents_;
  std::unique_ptr<DocumentsExtension> documents_ext_;
  std::shared_ptr<tools::ToolBox> tools_;
  std::unique_ptr<conversation::Conversations> conversations_;
  std::mutex expiry_mutex_;
  core::TimerPtr expiry_timer_;
};

}  // namespace switchboard::app
