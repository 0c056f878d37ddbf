#include "plugin/registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include <spdlog/spdlog.h>
#include <boost/dll/runtime_symbol_info.hpp>

namespace switchboard::plugin {

std::vector<std::filesystem::path> Registry::search_path(const std::vector<std::filesystem::path> &config_dirs) {
  std::vector<std::filesystem::path> dirs = config_dirs;
  if (const char *env = std::getenv("SWITCHBOARD_PLUGIN_PATH"); env != nullptr) {
    std::stringstream list(env);
    for (std::string dir; std::getline(list, dir, ':');) {
      if (!dir.empty()) {
        dirs.emplace_back(dir);
      }
    }
  }
  std::error_code ec;
  const auto exe = boost::dll::program_location(ec);
  if (!ec) {
    dirs.push_back((exe.parent_path() / ".." / "lib" / "switchboard" / "plugins").lexically_normal());
  }
  return dirs;
}

void Registry::scan(const std::vector<std::filesystem::path> &dirs) {
  for (const auto &dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      spdlog::debug("plugin directory {} does not exist; skipped", dir.string());
      continue;
    }
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".so" && !entry.is_directory()) {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto &file : files) {
      add(file);
    }
  }
}

bool Registry::add(const std::filesystem::path &file) {
  // The same file reached through two directories is tried once.
  if (!seen_.insert(std::filesystem::weakly_canonical(file)).second) {
    return true;
  }
  auto loaded = LoadedPlugin::load(file);
  if (auto *reason = std::get_if<std::string>(&loaded)) {
    spdlog::error("plugin {} refused: {}", file.string(), *reason);
    refused_.push_back({file, *reason});
    return false;
  }
  auto plugin = std::get<std::shared_ptr<LoadedPlugin>>(std::move(loaded));
  if (auto existing = find(plugin->info().id)) {
    std::string reason =
        "duplicate plugin id '" + plugin->info().id + "' (already loaded from " + existing->info().path.string() + ")";
    spdlog::error("plugin {} refused: {}", file.string(), reason);
    refused_.push_back({file, std::move(reason)});
    return false;
  }
  spdlog::debug("plugin {} {} ({}) loaded from {}", plugin->info().id, plugin->info().version,
                kind_name(plugin->info().kind), file.string());
  plugins_.push_back(std::move(plugin));
  return true;
}

std::shared_ptr<const LoadedPlugin> Registry::find(std::string_view id) const {
  for (const auto &p : plugins_) {
    if (p->info().id == id) {
      return p;
    }
  }
  return nullptr;
}

}  // namespace switchboard::plugin
