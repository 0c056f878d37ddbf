// What every session of a host shares: the chains and cache of the current
// config (fetched per turn, so a reload applies from the next turn on), the
// store, the workers and the clocks, and the settings.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "admin/metrics.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/executor.hpp"
#include "core/heap_trimmer.hpp"
#include "documents/document_store.hpp"
#include "plugin/instance.hpp"
#include "resilience/chains.hpp"
#include "store/session_store.hpp"
#include "tools/toolbox.hpp"

namespace switchboard::conversation {

struct EngineSettings {
  config::ConversationSettings conversation;
  config::AudioSettings audio;
  int passages = 3;  // documents.passages: added to a turn that asks for documents
};

// What the host lends the sessions.
struct EngineServices {
  core::Executor &executor;
  core::Clock &clock;
  admin::Metrics &metrics;
  std::function<std::shared_ptr<resilience::Chains>()> chains;
  std::function<std::shared_ptr<plugin::Instance>()> cache;  // may return null
  // Seconds since the epoch, for history and activity times.
  std::function<double()> wall_now;
  std::shared_ptr<documents::DocumentStore> documents = nullptr;  // null: none
  std::shared_ptr<const tools::ToolBox> tools = nullptr;          // null: none
};

struct EngineContext : EngineServices {
  EngineContext(EngineServices services, store::SessionStore &s) : EngineServices(std::move(services)), store(s) {}

  store::SessionStore &store;
  // Sessions report the audio paths they let go; a burst is given back.
  core::HeapTrimmer heap{clock, executor};

  std::shared_ptr<const EngineSettings> settings() const {
    std::lock_guard lock(settings_mutex);
    return current;
  }
  void set_settings(EngineSettings s) {
    auto next = std::make_shared<const EngineSettings>(std::move(s));
    std::lock_guard lock(settings_mutex);
    current = std::move(next);
  }

  mutable std::mutex settings_mutex;
  std::shared_ptr<const EngineSettings> current = std::make_shared<const EngineSettings>();
};

}  // namespace switchboard::conversation
