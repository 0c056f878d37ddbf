// The host itself (chains, cache, sessions) made from a YAML text, in the
// benchmark's own process: what the conversation and frame-path benchmarks
// measure, without a socket in front.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "app/application.hpp"

namespace switchboard::bench {

struct InProcessHost {
  // `name` stands for the file in messages; plugins are found in `plugin_dir`.
  InProcessHost(const std::string &yaml, const std::string &name, const std::string &plugin_dir) {
    config::Diagnostics diags;
    const auto doc = config::YamlDocument::parse(yaml, name, config::process_env(), diags);
    auto config = config::decode(doc, diags);
    if (!diags.empty()) throw std::runtime_error(config::format(diags.items().front()));
    auto registry = std::make_shared<plugin::Registry>();
    registry->scan({plugin_dir});
    app = std::make_unique<app::Application>(std::move(config), registry);
    app->start(false);
  }
  ~InProcessHost() { app->stop(); }
  InProcessHost(const InProcessHost &) = delete;
  InProcessHost &operator=(const InProcessHost &) = delete;

  conversation::Conversations &sessions() { return *app->conversations(); }

  std::unique_ptr<app::Application> app;
};

}  // namespace switchboard::bench
