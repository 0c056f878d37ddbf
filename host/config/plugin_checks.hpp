// The checks that need the plugins themselves: every `plugin:` names a plugin
// of the right kind, and each plugin accepts its own `config:` block.
#pragma once

#include "config/config.hpp"
#include "config/diagnostics.hpp"
#include "config/yaml_document.hpp"
#include "plugin/registry.hpp"

namespace switchboard::config {

void check_plugins(const Config &config, const YamlDocument &doc, const plugin::Registry &registry, Diagnostics &diags);

}  // namespace switchboard::config
