#include "plugin_test/kit_instance.hpp"

#include <mutex>

#include "plugin_test/probe.hpp"

namespace switchboard::plugin_test {
namespace {

std::mutex escaped_mutex;
std::vector<std::string> &escaped() {
  static std::vector<std::string> list;
  return list;
}

}  // namespace

void keep_escaped(const char *call, const std::string &what) noexcept {
  try {
    std::lock_guard lock(escaped_mutex);
    escaped().push_back(std::string("an exception crossed the plugin boundary out of ") + call + ": " + what);
  } catch (...) {
  }
}

std::vector<std::string> escaped_exceptions() {
  std::lock_guard lock(escaped_mutex);
  return escaped();
}

std::shared_ptr<plugin::LoadedPlugin> load_plugin(const Subject &subject, std::string &error) {
  auto loaded = plugin::LoadedPlugin::load(subject.path);
  if (auto *reason = std::get_if<std::string>(&loaded)) {
    error = *reason;
    return nullptr;
  }
  auto plugin = std::get<std::shared_ptr<plugin::LoadedPlugin>>(std::move(loaded));
  // Never unloaded in a check's process: a thread the plugin left running
  // (its own fault, which a check reports) would crash in unmapped code and
  // blame whatever ran next.
  static std::mutex kept_mutex;
  static std::vector<std::shared_ptr<plugin::LoadedPlugin>> kept;
  std::lock_guard lock(kept_mutex);
  kept.push_back(plugin);
  return plugin;
}

std::unique_ptr<KitInstance> KitInstance::create(const Subject &subject, std::shared_ptr<plugin::LoadedPlugin> plugin,
                                                 std::string &error, FaultHost::Options options) {
  std::unique_ptr<KitInstance> out(new KitInstance());
  out->plugin_ = std::move(plugin);
  out->host_ = std::make_unique<FaultHost>(subject.instance_name, subject.config_json, subject.config_dir, options);
  sb_error err = poisoned_error();
  void *handle = nullptr;
  if (!guard("create()", [&] { handle = out->plugin_->descriptor().create(out->host_->raw(), &err); })) {
    error = escaped_exceptions().back();
    return nullptr;
  }
  if (handle == nullptr) {
    const std::string problem = error_problem(err);
    error = problem.empty() ? std::string(err.message) : "create() failed and " + problem;
    return nullptr;
  }
  out->handle_ = handle;
  return out;
}

void KitInstance::destroy() {
  if (handle_ == nullptr) return;
  host_->drain();
  guard("destroy()", [&] { plugin_->descriptor().destroy(handle_); });
  handle_ = nullptr;
  host_->close();
}

KitInstance::~KitInstance() {
  destroy();
}

}  // namespace switchboard::plugin_test
