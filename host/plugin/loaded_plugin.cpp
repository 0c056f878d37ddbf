#include "plugin/loaded_plugin.hpp"

#include "switchboard/switchboard.h"

namespace switchboard::plugin {
namespace {

// The smallest function table each kind must have in ABI 1.
std::size_t min_vtable_size(sb_plugin_kind kind) {
  switch (kind) {
    case SB_KIND_STT:
      return sizeof(sb_stt_vtable);
    case SB_KIND_LLM:
      return sizeof(sb_llm_vtable);
    case SB_KIND_TTS:
      return sizeof(sb_tts_vtable);
    case SB_KIND_CACHE:
      return sizeof(sb_cache_vtable);
    case SB_KIND_TRANSPORT:
      return sizeof(sb_transport_vtable);
  }
  return 0;
}

bool all_functions_set(sb_plugin_kind kind, const void *vtable) {
  switch (kind) {
    case SB_KIND_STT: {
      const auto *v = static_cast<const sb_stt_vtable *>(vtable);
      return v->open && v->feed && v->finish && v->close;
    }
    case SB_KIND_LLM:
      return static_cast<const sb_llm_vtable *>(vtable)->chat != nullptr;
    case SB_KIND_TTS: {
      const auto *v = static_cast<const sb_tts_vtable *>(vtable);
      return v->list_voices && v->synthesize;
    }
    case SB_KIND_CACHE: {
      const auto *v = static_cast<const sb_cache_vtable *>(vtable);
      return v->get && v->put && v->erase && v->clear && v->stats;
    }
    case SB_KIND_TRANSPORT: {
      const auto *v = static_cast<const sb_transport_vtable *>(vtable);
      return v->start && v->stop;
    }
  }
  return false;
}

// Why a descriptor cannot be used, or "" when it can.
std::string check_descriptor(const sb_plugin_descriptor *d) {
  if (d == nullptr) {
    return "the entry returned no descriptor";
  }
  // The first three fields are readable in every ABI version.
  if (d->abi_major != SB_ABI_MAJOR) {
    return "built for plugin ABI " + std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
           ", this host speaks ABI " + std::to_string(SB_ABI_MAJOR) + "." + std::to_string(SB_ABI_MINOR) +
           " (majors must match)";
  }
  if (d->struct_size < sizeof(sb_plugin_descriptor)) {
    return "descriptor too small (" + std::to_string(d->struct_size) + " bytes)";
  }
  if (d->id == nullptr || *d->id == '\0') {
    return "descriptor has no id";
  }
  if (d->version == nullptr || d->create == nullptr || d->destroy == nullptr || d->vtable == nullptr) {
    return "descriptor of '" + std::string(d->id) + "' lacks version, create, destroy or vtable";
  }
  const std::size_t min_size = min_vtable_size(d->kind);
  if (min_size == 0) {
    return "unknown plugin kind " + std::to_string(static_cast<int>(d->kind));
  }
  if (*static_cast<const std::size_t *>(d->vtable) < min_size) {
    return std::string(kind_name(d->kind)) + " function table too small";
  }
  if (!all_functions_set(d->kind, d->vtable)) {
    return std::string(kind_name(d->kind)) + " function table has empty entries";
  }
  return "";
}

}  // namespace

const char *kind_name(sb_plugin_kind kind) noexcept {
  switch (kind) {
    case SB_KIND_STT:
      return "stt";
    case SB_KIND_LLM:
      return "llm";
    case SB_KIND_TTS:
      return "tts";
    case SB_KIND_CACHE:
      return "cache";
    case SB_KIND_TRANSPORT:
      return "transport";
  }
  return "unknown";
}

std::variant<std::shared_ptr<LoadedPlugin>, std::string> LoadedPlugin::load(const std::filesystem::path &path) {
  std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin());
  try {
    // Local symbols: two plugins may bundle different versions of a library.
    plugin->library_.load(path, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  } catch (const std::exception &e) {
    return std::string("cannot be loaded: ") + e.what();
  }
  if (!plugin->library_.has(SB_ENTRY_SYMBOL)) {
    return std::string("has no entry symbol '") + SB_ENTRY_SYMBOL + "'";
  }
  auto &entry = plugin->library_.get<const sb_plugin_descriptor *()>(SB_ENTRY_SYMBOL);
  const sb_plugin_descriptor *d = entry();
  if (std::string reason = check_descriptor(d); !reason.empty()) {
    return reason;
  }
  plugin->descriptor_ = d;
  plugin->info_ = PluginInfo{
      d->id, d->kind, d->version, d->abi_major, d->abi_minor, d->description != nullptr ? d->description : "", path};
  return plugin;
}

}  // namespace switchboard::plugin
