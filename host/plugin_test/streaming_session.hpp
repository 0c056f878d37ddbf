// A check's plugin and one instance of it, made with the kit's host; its
// verdict turns to a failure when the plugin let an exception out or misused
// the host meanwhile.
#pragma once

#include <memory>
#include <string>

#include "plugin_test/check.hpp"
#include "plugin_test/kit_instance.hpp"

namespace switchboard::plugin_test {

class StreamingSession {
 public:
  explicit StreamingSession(const Subject &subject) {
    plugin_ = load_plugin(subject, error_);
    if (plugin_) instance_ = KitInstance::create(subject, plugin_, error_);
  }

  // A check that returned early left a call that may still run: the
  // instance is left to the process's exit rather than destroyed under it.
  ~StreamingSession() {
    if (instance_) (void)instance_.release();
  }
  StreamingSession(const StreamingSession &) = delete;
  StreamingSession &operator=(const StreamingSession &) = delete;

  bool ready() const noexcept { return instance_ != nullptr; }
  // Why there is no instance: the loader's refusal fails, a factory that
  // cannot work here (no service, no credentials) skips with its reason.
  Verdict unready() const {
    if (!plugin_) return fail(error_);
    if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
    return skip("create() failed: " + error_);
  }
  KitInstance &instance() noexcept { return *instance_; }

  // `v`, unless the instance's destroy or anything before it broke the
  // contract.
  Verdict verdict(Verdict v) {
    instance_->destroy();
    const auto violations = instance_->host().violations();
    instance_.reset();
    if (const auto e = escaped_exceptions(); !e.empty()) return fail(e.front());
    if (!violations.empty()) return fail(violations.front());
    return v;
  }

 private:
  std::string error_;
  std::shared_ptr<plugin::LoadedPlugin> plugin_;
  std::unique_ptr<KitInstance> instance_;
};

}  // namespace switchboard::plugin_test
