// One plugin shared object, loaded and checked: its descriptor and the
// library that must stay loaded while anything from it lives.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include <boost/dll/shared_library.hpp>

#include "switchboard/abi.h"

namespace switchboard::plugin {

const char *kind_name(sb_plugin_kind kind) noexcept;

struct PluginInfo {
  std::string id;
  sb_plugin_kind kind = SB_KIND_LLM;
  std::string version;
  std::uint32_t abi_major = 0;
  std::uint32_t abi_minor = 0;
  std::string description;
  std::filesystem::path path;
};

class LoadedPlugin {
 public:
  // Loads and checks `path`; on refusal returns the reason.
  static std::variant<std::shared_ptr<LoadedPlugin>, std::string> load(const std::filesystem::path &path);

  const PluginInfo &info() const noexcept { return info_; }
  const sb_plugin_descriptor &descriptor() const noexcept { return *descriptor_; }

  template <class VTable>
  const VTable &vtable() const noexcept {
    return *static_cast<const VTable *>(descriptor_->vtable);
  }

 private:
  LoadedPlugin() = default;

  boost::dll::shared_library library_;
  const sb_plugin_descriptor *descriptor_ = nullptr;
  PluginInfo info_;
};

}  // namespace switchboard::plugin
