#include "app/commands.hpp"

#include <csignal>
#include <future>
#include <iomanip>
#include <ostream>

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "app/application.hpp"
#include "app/ask_command.hpp"
#include "app/logging.hpp"
#include "app/operator_command.hpp"
#include "app/plugin_test_command.hpp"
#include "app/signal_waiter.hpp"
#include "config/plugin_checks.hpp"
#include "core/system_clock.hpp"
#include "plugin/instance.hpp"
#include "switchboard/abi.h"

namespace switchboard::app {
namespace {

struct Loaded {
  config::Config config;
  config::YamlDocument doc;  // kept for positions and --print: the file is read once
  std::shared_ptr<plugin::Registry> registry;
  config::Diagnostics diags;
};

// Reads the config and the plugins it can see, running every check that needs
// no instance.
Loaded load(const std::string &file) {
  Loaded out;
  out.config = config::load(file, config::process_env(), out.diags, &out.doc);
  out.registry = std::make_shared<plugin::Registry>();
  out.registry->scan(plugin::Registry::search_path(out.config.plugin_dirs));
  config::check_plugins(out.config, out.doc, *out.registry, out.diags);
  return out;
}

std::string version_line() {
  return std::string("switchboard ") + SWITCHBOARD_VERSION + " (plugin ABI " + std::to_string(SB_ABI_MAJOR) + "." +
         std::to_string(SB_ABI_MINOR) + ")";
}

// Creates each provider and transport once, as serve would, and reports the
// factories that fail at their entry's position.
void try_create(const Loaded &loaded, config::Diagnostics &diags) {
  admin::Metrics metrics;
  core::Executor executor(1);
  core::SystemClock clock(executor);
  core::ControlQueue control;
  const plugin::HostContext context{executor, metrics, clock, control, {}, loaded.config.folder().string()};
  auto attempt = [&](const std::string &kind, const std::string &name, const std::string &id, const nlohmann::json &cfg,
                     const std::string &pointer) {
    auto plugin = loaded.registry->find(id);
    if (!plugin) {
      return;
    }
    std::string error;
    if (!plugin::Instance::create(plugin, name, cfg, context, error)) {
      loaded.doc.error_at_value(diags, pointer,
                                kind + " '" + name + "': plugin '" + id + "' failed to start: " + error);
    }
  };
  for (const auto *p : loaded.config.providers()) {
    attempt(p->kind, p->name, p->plugin, p->config, p->pointer);
  }
  for (const auto &t : loaded.config.transports) {
    attempt("transport", t.name, t.plugin, t.config, t.pointer);
  }
}

int check(const Command &cmd, std::ostream &out, std::ostream &err) {
  Loaded loaded = load(cmd.config);
  if (loaded.diags.empty()) {
    try_create(loaded, loaded.diags);
  }
  if (!loaded.diags.empty()) {
    loaded.diags.print(err);
    err << loaded.diags.size() << (loaded.diags.size() == 1 ? " problem" : " problems") << " in " << cmd.config << "\n";
    return 1;
  }
  if (cmd.print) {
    out << config::redacted(loaded.doc.root()).dump(2) << "\n";
  }
  const auto &c = loaded.config;
  out << cmd.config << ": ok (" << c.stt.size() << " stt, " << c.llm.size() << " llm, " << c.tts.size() << " tts, "
      << (c.cache ? 1 : 0) << " cache, " << c.transports.size() << " transports)\n";
  return 0;
}

int plugins(const Command &cmd, std::ostream &out, std::ostream &err) {
  std::vector<std::filesystem::path> dirs;
  if (!cmd.config.empty()) {
    config::Diagnostics diags;
    const auto c = config::load(cmd.config, config::process_env(), diags);
    diags.print(err);
    dirs = c.plugin_dirs;
  }
  plugin::Registry registry;
  registry.scan(plugin::Registry::search_path(dirs));
  out << std::left << std::setw(24) << "ID" << std::setw(11) << "KIND" << std::setw(10) << "VERSION" << std::setw(6)
      << "ABI"
      << "PATH\n";
  for (const auto &p : registry.plugins()) {
    const auto &i = p->info();
    out << std::setw(24) << i.id << std::setw(11) << plugin::kind_name(i.kind) << std::setw(10) << i.version
        << std::setw(6) << (std::to_string(i.abi_major) + "." + std::to_string(i.abi_minor)) << i.path.string() << "\n";
  }
  for (const auto &r : registry.refused()) {
    out << "refused " << r.path.string() << ": " << r.reason << "\n";
  }
  return 0;
}

int ask(const Command &cmd, std::ostream &out, std::ostream &err) {
  Loaded loaded = load(cmd.config);
  if (!loaded.diags.empty()) {
    loaded.diags.print(err);
    return 1;
  }
  configure_logging(cmd.log_level.empty() ? "warn" : cmd.log_level, loaded.config.log.format);
  Application application(loaded.config, loaded.registry);
  application.start(false);
  const int code = run_ask(cmd, application, out, err);
  application.stop();
  return code;
}

int serve(const Command &cmd, std::ostream &err) {
  // Blocked before anything starts a thread: a stop request that arrives
  // during start-up waits its turn instead of killing the process.
  SignalWaiter::block();
  Loaded loaded = load(cmd.config);
  if (!loaded.diags.empty()) {
    loaded.diags.print(err);
    return 1;
  }
  configure_logging(cmd.log_level.empty() ? loaded.config.log.level : cmd.log_level, loaded.config.log.format);
  spdlog::info("{} starting with {}", version_line(), cmd.config);
  // The main thread runs stop, reload and control requests one at a time.
  boost::asio::io_context signals_io;
  auto running = boost::asio::make_work_guard(signals_io);
  Application application(loaded.config, loaded.registry);
  application.control().set_notify([&signals_io, &application] {
    boost::asio::post(signals_io, [&application] { application.control().run_pending(); });
  });
  // On the main thread: re-reads the file; returns the first problem.
  auto reload_from_file = [&]() -> std::string {
    Loaded next = load(cmd.config);
    if (next.diags.empty()) {
      application.reload(next.config, next.registry);
      return {};
    }
    for (const auto &d : next.diags.sorted()) {
      spdlog::error("reload refused: {}", config::format(d));
    }
    return config::format(next.diags.sorted().front());
  };
  // A transport's reload request (POST /admin/reload): carried out on the
  // main thread like SIGHUP, its answer awaited.
  application.set_reloader([&]() -> std::string {
    auto done = std::make_shared<std::promise<std::string>>();
    auto result = done->get_future();
    boost::asio::post(signals_io, [&, done] {
      spdlog::info("reload requested: reloading {}", cmd.config);
      done->set_value(reload_from_file());
    });
    if (result.wait_for(std::chrono::seconds(30)) != std::future_status::ready) return "the reload did not finish";
    return result.get();
  });
  bool stopping = false;  // only touched on the main thread
  const SignalWaiter signals([&](int signal) {
    boost::asio::post(signals_io, [&, signal] {
      if (stopping) return;
      if (signal == SIGHUP) {
        spdlog::info("SIGHUP: reloading {}", cmd.config);
        reload_from_file();
        return;
      }
      spdlog::info("signal {}: stopping", signal);
      stopping = true;
      running.reset();
    });
  });
  application.start();
  signals_io.run();
  application.set_reloader(nullptr);
  application.finish_turns(std::chrono::milliseconds(static_cast<long>(loaded.config.shutdown_grace_seconds * 1000)));
  application.stop();
  return 0;
}

}  // namespace

int run_command(const Command &cmd, std::ostream &out, std::ostream &err) {
  switch (cmd.name) {
    case Command::Name::version:
      out << version_line() << "\n";
      return 0;
    case Command::Name::help:
      out << usage();
      return 0;
    case Command::Name::check:
      configure_logging(cmd.log_level.empty() ? "warn" : cmd.log_level, "text");
      return check(cmd, out, err);
    case Command::Name::plugin_test:
      configure_logging(cmd.log_level.empty() ? "off" : cmd.log_level, "text");
      return plugin_test(cmd, out, err);
    case Command::Name::plugins:
      configure_logging(cmd.log_level.empty() ? "off" : cmd.log_level, "text");
      return plugins(cmd, out, err);
    case Command::Name::serve:
      configure_logging(cmd.log_level.empty() ? "info" : cmd.log_level, "text");
      return serve(cmd, err);
    case Command::Name::ask:
      configure_logging(cmd.log_level.empty() ? "warn" : cmd.log_level, "text");
      return ask(cmd, out, err);
    default:
      return run_operator_command(cmd, out, err);
  }
  return 2;
}

}  // namespace switchboard::app
