#include "app/application.hpp"

#include <algorithm>
#include <array>
#include <thread>

#include <spdlog/spdlog.h>

#include "plugin/outcome.hpp"
#include "plugin/transport_client.hpp"

namespace switchboard::app {
namespace {

unsigned worker_count() {
  return std::max(2u, std::thread::hardware_concurrency());
}

std::string names(const resilience::Chain &chain) {
  std::string out;
  for (const auto &p : chain.providers()) {
    out += (out.empty() ? "" : ", ") + p->name + (p->enabled ? "" : " (disabled)");
  }
  return "[" + out + "]";
}

Application &self_of(void *ctx) {
  return *static_cast<Application *>(ctx);
}

// "<kind>_<event>_total", made once: every provider call emits an event.
const std::string &event_metric(const resilience::ChainEvent &e) {
  using Type = resilience::ChainEvent::Type;
  constexpr int kTypes = static_cast<int>(Type::breaker) + 1;
  static const auto metric_names = [] {
    std::array<std::array<std::string, kTypes>, 3> out;
    const char *kinds[] = {"stt", "llm", "tts"};
    for (int k = 0; k < 3; ++k) {
      for (int t = 0; t < kTypes; ++t) {
        out[k][t] = std::string(kinds[k]).append("_").append(to_string(static_cast<Type>(t))).append("_total");
      }
    }
    return out;
  }();
  const int kind = e.kind == "stt" ? 0 : e.kind == "llm" ? 1 : 2;
  return metric_names[kind][static_cast<int>(e.type)];
}

}  // namespace

Application::Application(config::Config config, std::shared_ptr<plugin::Registry> registry)
    : config_(std::move(config)), registry_(std::move(registry)), executor_(worker_count()) {
  providers_ext_.struct_size = sizeof providers_ext_;
  providers_ext_.ctx = this;
  providers_ext_.view = [](void *ctx, sb_sink out, sb_error *) -> sb_status {
    const std::string text = self_of(ctx).chains()->view().dump();
    out.write(out.user, text.data(), text.size());
    return SB_OK;
  };
  providers_ext_.reset = [](void *ctx, const char *kind, const char *name, sb_error *err) -> sb_status {
    if (self_of(ctx).chains()->reset(kind != nullptr ? kind : "", name != nullptr ? name : "")) return SB_OK;
    sb_error_set(err, "no such provider");
    return SB_INVALID_INPUT;
  };
  providers_ext_.force_open = [](void *ctx, const char *kind, const char *name, sb_error *err) -> sb_status {
    if (self_of(ctx).chains()->force_open(kind != nullptr ? kind : "", name != nullptr ? name : "")) return SB_OK;
    sb_error_set(err, "no such provider");
    return SB_INVALID_INPUT;
  };
}

Application::~Application() {
  stop();
}

const void *Application::extension(const std::string &id) const {
  if (id == SB_EXT_PROVIDERS) return &providers_ext_;
  if (id == SB_EXT_SESSIONS) return sessions_ext_.raw();
  if (id == SB_EXT_ADMIN) return admin_ext_.raw();
  if (id == SB_EXT_DOCUMENTS) return documents_ext_ ? documents_ext_->raw() : nullptr;
  return nullptr;
}

plugin::HostContext Application::host_context() {
  return {executor_,
          metrics_,
          clock_,
          control_,
          [this](const std::string &id) { return extension(id); },
          config_.folder().string()};
}

std::shared_ptr<plugin::Instance> Application::create(const std::string &kind, const std::string &name,
                                                      const std::string &plugin_id, const nlohmann::json &config,
                                                      std::string &error) {
  auto loaded = registry_->find(plugin_id);
  if (!loaded) {
    error = "plugin '" + plugin_id + "' is not loaded";
    spdlog::error("{} '{}': {}; left out", kind, name, error);
    return nullptr;
  }
  auto instance = plugin::Instance::create(loaded, name, config, host_context(), error);
  if (!instance) {
    spdlog::error("{} '{}': plugin '{}' ({}) failed to start: {}; left out", kind, name, plugin_id,
                  loaded->info().path.string(), error);
  }
  return instance;
}

void Application::on_chain_event(const resilience::ChainEvent &e) {
  using Type = resilience::ChainEvent::Type;
  metrics_.add(event_metric(e), 1);
  switch (e.type) {
    case Type::selected:
    case Type::skipped:
      spdlog::debug("{} {} {}: {}", e.kind, e.provider, resilience::to_string(e.type), e.detail);
      break;
    case Type::exhausted:
      spdlog::error("{}: every provider failed: {}", e.kind, e.detail);
      break;
    case Type::breaker:
      tell_other_hosts(e);
      [[fallthrough]];
    case Type::failed:
      spdlog::warn("{} {} {}: {}", e.kind, e.provider, resilience::to_string(e.type), e.detail);
      break;
    default:
      spdlog::info("{} {} {}: {}", e.kind, e.provider, resilience::to_string(e.type), e.detail);
      break;
  }
}

void Application::start_breaker_news(const config::Config &config) {
  if (breaker_news_) return;
  const auto providers = config.providers();
  if (std::none_of(providers.begin(), providers.end(), [](const auto *p) { return p->circuit.share == "redis"; })) {
    return;
  }
  redis::Options options;
  options.timeout = std::chrono::milliseconds(config.redis.timeout_ms);
  options.retry_after = std::chrono::milliseconds(config.redis.retry_after_ms);
  options = redis::parse_url(config.redis.url, options);
  breaker_news_ = std::make_unique<resilience::BreakerNews>(
      options, config.redis.key_prefix + "breakers",
      config.redis.host_id.empty() ? resilience::default_host_id() : config.redis.host_id,
      [this](const resilience::BreakerNewsItem &item) { on_breaker_news(item); });
}

// A breaker of this host opened on its own evidence: the others hear of it.
void Application::tell_other_hosts(const resilience::ChainEvent &e) {
  constexpr std::string_view opened = " -> open: ";
  const auto at = e.detail.find(opened);
  if (!breaker_news_ || at == std::string::npos) return;
  const std::string why = e.detail.substr(at + opened.size());
  if (why.rfind(resilience::kToldBy, 0) == 0) return;  // news already
  const auto all = chains();
  auto *chain = all ? all->chain(e.kind) : nullptr;
  if (chain == nullptr) return;
  for (const auto &p : chain->providers()) {
    if (p->name != e.provider || !p->shares_breaker) continue;
    const auto snapshot = p->breaker.snapshot();
    if (snapshot.forced_open || !snapshot.open_until) return;  // an operator's action stays on its host
    const double seconds = std::chrono::duration<double>(*snapshot.open_until - clock_.now()).count();
    if (seconds <= 0) return;
    breaker_news_->publish({{}, e.kind, e.provider, seconds, why});
    metrics_.add("breaker_news_published_total", 1);
    return;
  }
}

void Application::on_breaker_news(const resilience::BreakerNewsItem &item) {
  metrics_.add("breaker_news_received_total", 1);
  const auto all = chains();
  auto *chain = all ? all->chain(item.kind) : nullptr;
  if (chain == nullptr) return;
  for (const auto &p : chain->providers()) {
    if (p->name != item.provider || !p->shares_breaker) continue;
    spdlog::warn("{} {}: opened on {} for {:.1f} s ({}); open here too", item.kind, item.provider, item.host,
                 item.open_seconds, item.why);
    p->breaker.open_as_told(
        std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(item.open_seconds)),
        std::string(resilience::kToldBy) + item.host + ": " + item.why);
  }
}

std::shared_ptr<resilience::Chains> Application::build_chains(const config::Config &config,
                                                              const resilience::Chains *previous) {
  resilience::InstanceFor instance_for = [this](const config::ProviderSpec &spec, std::string &why) {
    return create(spec.kind, spec.name, spec.plugin, spec.config, why);
  };
  resilience::ChainContext context{clock_, executor_, wheel_,
                                   [this](const resilience::ChainEvent &e) { on_chain_event(e); }};
  return resilience::Chains::build(config, instance_for, context, previous);
}

void Application::start_conversations() {
  std::unique_ptr<store::SessionStore> store;
  try {
    store = conversation::open_store(config_.sessions);
  } catch (const std::exception &e) {
    spdlog::error("sessions: {}; keeping them in memory instead", e.what());
    store = store::memory_store();
  }
  try {
    documents_ = std::make_shared<documents::DocumentStore>(
        config_.documents.path,
        documents::StoreLimits{config_.documents.chunk_words, config_.documents.max_document_bytes});
    documents_ext_ = std::make_unique<DocumentsExtension>(documents_);
  } catch (const std::exception &e) {
    spdlog::error("documents: {}; none are served", e.what());
  }
  tools_ = std::make_shared<tools::ToolBox>(config_.tools, documents_, executor_);
  conversation::EngineServices services{
      executor_,
      clock_,
      metrics_,
      [this] { return chains(); },
      [this] { return cache(); },
      [] { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); },
      documents_,
      tools_};
  std::lock_guard lock(expiry_mutex_);
  conversations_ = std::make_unique<conversation::Conversations>(std::move(store), config_, std::move(services));
  schedule_expiry();
}

// Idle sessions are looked for every minute (or a quarter of the timeout, if
// shorter). Called with expiry_mutex_ held, which also guards conversations_
// against stop().
void Application::schedule_expiry() {
  const int every = std::clamp(config_.sessions.idle_timeout_seconds / 4, 1, 60);
  expiry_timer_ = clock_.schedule(std::chrono::seconds(every), [this](bool fired) {
    if (!fired) return;
    executor_.post([this] {
      std::lock_guard lock(expiry_mutex_);
      if (!conversations_) return;
      const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
      if (const auto n = conversations_->expire_idle(now); n > 0) spdlog::info("{} idle sessions expired", n);
      schedule_expiry();
    });
  });
}

void Application::start(bool with_transports) {
  started_ = true;
  auto chains = build_chains(config_, nullptr);
  try {
    start_breaker_news(config_);
  } catch (const std::exception &e) {
    spdlog::error("breaker news: {}; breakers are this host's own", e.what());
  }
  std::shared_ptr<plugin::Instance> cache;
  if (config_.cache) {
    std::string error;
    cache = create("cache", config_.cache->name, config_.cache->plugin, config_.cache->config, error);
  }
  {
    std::lock_guard lock(mutex_);
    chains_ = std::move(chains);
    cache_ = std::move(cache);
  }
  start_conversations();
  for (const auto &spec : with_transports ? config_.transports : std::vector<config::TransportSpec>{}) {
    std::string error;
    auto instance = create("transport", spec.name, spec.plugin, spec.config, error);
    if (!instance) {
      continue;
    }
    std::string bound;
    if (const auto outcome = plugin::start_transport(*instance, spec.listen, bound); !outcome.ok()) {
      spdlog::error("transport '{}' cannot listen on {}: {}", spec.name, spec.listen, outcome.message);
      continue;
    }
    spdlog::info("transport '{}' listening on {}", spec.name, bound);
    transports_.push_back({std::move(instance), bound, spec.name});
  }
  std::lock_guard lock(mutex_);
  spdlog::info("switchboard ready: stt={} llm={} tts={} cache={} sessions={} transports={}", names(*chains_->stt()),
               names(*chains_->llm()), names(*chains_->tts()), cache_ ? cache_->name() : "none", config_.sessions.store,
               transports_.size());
}

void Application::reload(config::Config next, std::shared_ptr<plugin::Registry> registry) {
  registry_ = std::move(registry);
  auto chains = build_chains(next, this->chains().get());
  if (!breaker_news_) {
    const auto providers = next.providers();
    if (std::any_of(providers.begin(), providers.end(), [](const auto *p) { return p->circuit.share == "redis"; })) {
      spdlog::warn("circuit share: redis takes effect when the host starts again");
    }
  }
  std::shared_ptr<plugin::Instance> cache = this->cache();
  const bool cache_changed =
      next.cache.has_value() != config_.cache.has_value() ||
      (next.cache && resilience::fingerprint(*next.cache) != resilience::fingerprint(*config_.cache));
  if (cache_changed) {
    std::string error;
    cache = next.cache ? create("cache", next.cache->name, next.cache->plugin, next.cache->config, error) : nullptr;
  }
  // A transport whose config block alone changed is told (its keys, say);
  // one added, removed, moved or of another plugin needs a restart.
  const bool transports_changed = next.transports.size() != config_.transports.size() ||
                                  !std::equal(next.transports.begin(), next.transports.end(),
                                              config_.transports.begin(), [](const auto &a, const auto &b) {
                                                return a.name == b.name && a.plugin == b.plugin && a.listen == b.listen;
                                              });
  const bool only_moved =
      next.transports.size() == config_.transports.size() &&
      std::equal(next.transports.begin(), next.transports.end(), config_.transports.begin(),
                 [](const auto &a, const auto &b) { return a.name == b.name && a.plugin == b.plugin; });
  if (transports_changed && only_moved) {
    for (std::size_t i = 0; i < next.transports.size(); ++i) {
      if (next.transports[i].listen != config_.transports[i].listen)
        move_transport(next.transports[i], config_.transports[i].listen);
    }
  }
  if (!transports_changed) {
    for (std::size_t i = 0; i < next.transports.size(); ++i) {
      if (next.transports[i].config == config_.transports[i].config) continue;
      for (const auto &started : transports_) {
        if (started.name != next.transports[i].name) continue;
        const auto outcome = plugin::reconfigure_transport(*started.instance, next.transports[i].config.dump());
        if (outcome.ok()) {
          spdlog::info("transport '{}' applied its new config", started.name);
        } else {
          spdlog::warn("transport '{}': {}; restart the host to apply the rest", started.name, outcome.message);
        }
      }
    }
  }
  {
    std::lock_guard lock(mutex_);
    std::swap(chains_, chains);
    std::swap(cache_, cache);
  }
  if (next.sessions.store != config_.sessions.store || next.sessions.path != config_.sessions.path ||
      next.sessions.url != config_.sessions.url || next.sessions.key_prefix != config_.sessions.key_prefix) {
    spdlog::warn("the sessions store changed; restart the host to apply it");
  }
  conversations_->apply(next);
  config_ = std::move(next);
  const auto now = this->chains();
  spdlog::info("config reloaded: stt={} llm={} tts={} cache={}", names(*now->stt()), names(*now->llm()),
               names(*now->tts()), this->cache() ? this->cache()->name() : "none");
  if (transports_changed && !only_moved) {
    spdlog::warn("the transports section changed; restart the host to apply it");
  }
}

// A transport given a new listen address at a reload: a new instance starts
// there first, so the API is never unreachable, then the old one stops (its
// WebSockets told 1012, so their clients reconnect) once the reload has
// returned. One that cannot bind
// its new address stays where it was, and `spec` says so.
void Application::move_transport(config::TransportSpec &spec, const std::string &was) {
  const auto it =
      std::find_if(transports_.begin(), transports_.end(), [&](const auto &t) { return t.name == spec.name; });
  if (it == transports_.end()) return;
  std::string error;
  auto moved = create("transport", spec.name, spec.plugin, spec.config, error);
  std::string bound;
  const auto outcome =
      moved ? plugin::start_transport(*moved, spec.listen, bound) : sdk::Outcome{sdk::Status::fatal, error};
  if (!outcome.ok()) {
    spdlog::error("transport '{}' cannot move to {}: {}; it stays on {}", spec.name, spec.listen, outcome.message,
                  it->bound);
    spec.listen = was;
    return;
  }
  spdlog::info("transport '{}' moved from {} to {}", spec.name, it->bound, bound);
  // The old one stops after the reload has returned: the reload may have
  // been asked for through it (POST /admin/reload), and that answer must
  // leave first.
  control_.post([old = std::move(it->instance), name = spec.name] {
    plugin::stop_transport(*old);
    spdlog::info("transport '{}' stopped on its old address", name);
  });
  *it = {std::move(moved), bound, spec.name};
}

std::size_t Application::finish_turns(std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto busy = [this] {
    std::lock_guard lock(expiry_mutex_);
    return conversations_ ? conversations_->busy_count() : 0;
  };
  std::size_t left = busy();
  if (left > 0) spdlog::info("stopping: {} turn(s) under way get up to {} ms to finish", left, grace.count());
  // Turns end on the workers, which have no event for "all ended": looked
  // at every 50 ms, as the expiry timer looks at idle sessions.
  while (left > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = busy();
  }
  if (left > 0) spdlog::warn("stopping: {} turn(s) still under way are cut", left);
  return left;
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
  std::unique_ptr<conversation::Conversations> conversations;
  {
    std::lock_guard lock(expiry_mutex_);
    if (expiry_timer_) expiry_timer_->cancel();
    conversations = std::move(conversations_);
  }
  // Sessions end their turns; the calls they cancel let go of the instances.
  conversations.reset();
  std::shared_ptr<resilience::Chains> chains;
  std::shared_ptr<plugin::Instance> cache;
  {
    std::lock_guard lock(mutex_);
    std::swap(chains_, chains);
    std::swap(cache_, cache);
  }
  chains.reset();
  cache.reset();
  // Instances still held by calls in flight go when those calls end; their
  // destruction comes back to this thread.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  control_.run_pending();
  while (plugin::Instance::live() > 0 && std::chrono::steady_clock::now() < deadline) {
    control_.wait_and_run(std::chrono::milliseconds(100));
  }
  if (plugin::Instance::live() > 0) {
    spdlog::warn("{} plugin instances still busy at shutdown; left as they are", plugin::Instance::live());
  }
  executor_.stop();
  // Last: until the workers stop, a breaker may still open and tell it.
  breaker_news_.reset();
  spdlog::info("switchboard stopped");
}

std::shared_ptr<resilience::Chains> Application::chains() const {
  std::lock_guard lock(mutex_);
  return chains_;
}

std::shared_ptr<plugin::Instance> Application::cache() const {
  std::lock_guard lock(mutex_);
  return cache_;
}

}  // namespace switchboard::app
