// The plugin under test, loaded through the host's own loader, and its
// instances made with the kit's host. Every call into the plugin goes
// through guard(), which keeps any exception that crosses the boundary.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugin/loaded_plugin.hpp"
#include "plugin_test/check.hpp"
#include "plugin_test/fault_host.hpp"

namespace switchboard::plugin_test {

// Loads the subject's plugin; on refusal returns null and sets error.
std::shared_ptr<plugin::LoadedPlugin> load_plugin(const Subject &subject, std::string &error);

// Exceptions that crossed the plugin boundary in this process so far.
std::vector<std::string> escaped_exceptions();

// Runs fn (a call into the plugin); an exception out of it is kept and
// reported as false.
template <class Fn>
bool guard(const char *call, Fn &&fn) noexcept;

class KitInstance {
 public:
  // Creates an instance; on failure returns null and sets error (the
  // plugin's message).
  static std::unique_ptr<KitInstance> create(const Subject &subject, std::shared_ptr<plugin::LoadedPlugin> plugin,
                                             std::string &error, FaultHost::Options options = {});
  ~KitInstance();
  KitInstance(const KitInstance &) = delete;
  KitInstance &operator=(const KitInstance &) = delete;

  void *handle() const noexcept { return handle_; }
  FaultHost &host() noexcept { return *host_; }
  const plugin::LoadedPlugin &plugin() const noexcept { return *plugin_; }
  template <class VTable>
  const VTable &vtable() const noexcept {
    return plugin_->vtable<VTable>();
  }
  // Drains posted tasks, destroys, and closes the host. Idempotent.
  void destroy();

 private:
  KitInstance() = default;

  std::shared_ptr<plugin::LoadedPlugin> plugin_;
  std::unique_ptr<FaultHost> host_;
  void *handle_ = nullptr;
};

void keep_escaped(const char *call, const std::string &what) noexcept;

template <class Fn>
bool guard(const char *call, Fn &&fn) noexcept {
  try {
    fn();
    return true;
  } catch (const std::exception &e) {
    keep_escaped(call, e.what());
  } catch (...) {
    keep_escaped(call, "an exception that is not a std::exception");
  }
  return false;
}

}  // namespace switchboard::plugin_test
