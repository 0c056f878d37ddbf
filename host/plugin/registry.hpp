// Every plugin found in the plugin directories, and every file refused with
// its reason. The first plugin seen with an id wins; later ones are refused.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/loaded_plugin.hpp"

namespace switchboard::plugin {

struct Refusal {
  std::filesystem::path path;
  std::string reason;
};

class Registry {
 public:
  // Where plugins are looked for, in order: the config's plugin_dirs, then
  // SWITCHBOARD_PLUGIN_PATH (colon-separated), then the plugins installed
  // beside the executable (<prefix>/lib/switchboard/plugins).
  static std::vector<std::filesystem::path> search_path(const std::vector<std::filesystem::path> &config_dirs);

  // Loads every *.so in each directory, in name order. A directory that does
  // not exist is skipped.
  void scan(const std::vector<std::filesystem::path> &dirs);
  // Loads one file; false when refused.
  bool add(const std::filesystem::path &file);

  std::shared_ptr<const LoadedPlugin> find(std::string_view id) const;
  const std::vector<std::shared_ptr<const LoadedPlugin>> &plugins() const noexcept { return plugins_; }
  const std::vector<Refusal> &refused() const noexcept { return refused_; }

 private:
  std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
  std::vector<Refusal> refused_;
  std::set<std::filesystem::path> seen_;  // canonical paths already tried
};

}  // namespace switchboard::plugin
