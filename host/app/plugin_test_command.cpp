#include "app/plugin_test_command.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <thread>

#include "config/config.hpp"
#include "config/env_substitution.hpp"
#include "plugin_test/runner.hpp"

namespace switchboard::app {
namespace {

// The instance named `name` in the config: its block and the config's folder.
bool find_instance(const Command &cmd, plugin_test::Subject &subject, std::ostream &err) {
  config::Diagnostics diags;
  const config::Config c = config::load(cmd.config, config::process_env(), diags);
  if (!diags.empty()) {
    diags.print(err);
    return false;
  }
  subject.config_dir = c.folder().string();
  for (const config::ProviderSpec *p : c.providers()) {
    if (p->name == cmd.instance) {
      subject.config_json = p->config.dump();
      return true;
    }
  }
  for (const config::TransportSpec &t : c.transports) {
    if (t.name == cmd.instance) {
      subject.config_json = t.config.dump();
      return true;
    }
  }
  err << "switchboard: " << cmd.config << " has no provider, cache or transport named '" << cmd.instance << "'\n";
  return false;
}

}  // namespace

int plugin_test(const Command &cmd, std::ostream &out, std::ostream &err) {
  if (cmd.list) {
    out << (cmd.json ? plugin_test::list_as_json() : plugin_test::list_as_text());
    return 0;
  }
  plugin_test::Subject subject;
  subject.path = std::filesystem::absolute(cmd.plugin_file);
  if (!std::filesystem::is_regular_file(subject.path)) {
    err << "switchboard: no plugin file at " << cmd.plugin_file << "\n";
    return 2;
  }
  subject.instance_name = cmd.instance;
  if (!cmd.config.empty() && !find_instance(cmd, subject, err)) return 2;
  plugin_test::RunOptions options;
  options.only = cmd.checks;
  options.jobs = std::max(1u, std::thread::hardware_concurrency());
  const plugin_test::Report report = plugin_test::run_checks(subject, options);
  out << (cmd.json ? plugin_test::as_json(report) : plugin_test::as_text(report));
  return report.passed() ? 0 : 1;
}

}  // namespace switchboard::app
