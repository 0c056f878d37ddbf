// The checks every plugin takes, whatever its kind: the descriptor, the
// entry, validate_config, and instances made and destroyed.
#include <dlfcn.h>

#include <regex>
#include <thread>

#include "plugin/loaded_plugin.hpp"
#include "plugin_test/calls.hpp"
#include "plugin_test/check.hpp"
#include "plugin_test/kit_instance.hpp"
#include "plugin_test/probe.hpp"
#include "plugin_test/resources.hpp"
#include "plugin_test/runner.hpp"
#include "switchboard/sdk/utf8.hpp"

namespace switchboard::plugin_test {
namespace {

constexpr int kCycles = 100;
// RSS may move by allocator noise; a leak of a kilobyte per cycle shows.
constexpr std::int64_t kRssSlack = 4 << 20;

Verdict descriptor(const Subject &subject) {
  std::string error;
  const auto plugin = load_plugin(subject, error);
  if (!plugin) return fail("the host's loader refuses it: " + error);
  const sb_plugin_descriptor &d = plugin->descriptor();
  if (d.abi_minor > SB_ABI_MINOR) {
    return fail("built for ABI 1." + std::to_string(d.abi_minor) + ", newer than this host's 1." +
                std::to_string(SB_ABI_MINOR));
  }
  static const std::regex semver(R"(^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$)");
  if (!std::regex_match(d.version, semver)) return fail(std::string("version '") + d.version + "' is not x.y.z");
  if (d.description == nullptr || *d.description == '\0' || !sdk::valid_utf8(d.description)) {
    return fail("no one-line description (UTF-8) for `switchboard plugins`");
  }
  if (std::string(d.description).find('\n') != std::string::npos) return fail("the description is not one line");
  return pass(std::string(d.id) + " " + d.version + ", " + plugin::kind_name(d.kind) + ", ABI " +
              std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor));
}

Verdict entry_starts_no_threads(const Subject &subject) {
  const Resources before = measure();
  void *library = ::dlopen(subject.path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) return fail(std::string("dlopen: ") + ::dlerror());
  auto entry = reinterpret_cast<sb_plugin_entry_fn>(::dlsym(library, SB_ENTRY_SYMBOL));
  if (entry == nullptr) return fail(std::string("no entry symbol '") + SB_ENTRY_SYMBOL + "'");
  const sb_plugin_descriptor *d = nullptr;
  for (int i = 0; i < 3; ++i) d = entry();
  const Resources after = measure();
  if (d == nullptr) return fail("the entry returned no descriptor");
  if (entry() != d) return fail("the entry returned a different descriptor each time (it must be static)");
  if (after.threads > before.threads || after.fds > before.fds) {
    return fail("loading and calling the entry started threads or opened files: " + describe(before, after));
  }
  return pass();
}

Verdict validate_config(const Subject &subject) {
  std::string error;
  const auto plugin = load_plugin(subject, error);
  if (!plugin) return fail(error);
  const auto validate = plugin->descriptor().validate_config;
  if (validate == nullptr) return skip("validate_config is NULL (optional)");

  struct Reports {
    std::vector<std::string> problems;
    std::vector<std::string> bad;  // reports that are not well formed
  };
  const auto run = [&](const std::string &text, Reports &out) {
    sb_config_report report{};
    report.user = &out;
    report.error = [](void *user, const char *pointer, const char *message) {
      auto &r = *static_cast<Reports *>(user);
      if (pointer == nullptr || message == nullptr) {
        r.bad.push_back("a report with a NULL pointer or message");
      } else if (!sdk::valid_utf8(message) || (*pointer != '\0' && *pointer != '/')) {
        r.bad.push_back(std::string("a malformed report at '") + pointer + "'");
      } else {
        r.problems.push_back(std::string(pointer) + ": " + message);
      }
    };
    sb_status status = SB_OK;
    if (!guard("validate_config()", [&] { status = validate(text.c_str(), report); })) return SB_FATAL;
    return status;
  };

  Reports given;
  if (const sb_status s = run(subject.config_json, given); s != SB_OK) {
    if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
    return fail("the config block given is refused: " +
                (given.problems.empty() ? std::string("with no problem reported") : given.problems.front()));
  }
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  for (const std::string &garbage : {std::string(""), std::string("not json"), std::string("{\"unclosed\": "),
                                     std::string("[]"), std::string("null"), std::string("\"text\""), deep,
                                     std::string("{\"\xff\xfe\": 1}"), std::string(R"({"x": 1e999999})")}) {
    Reports r;
    const sb_status s = run(garbage, r);
    if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
    if (!r.bad.empty()) return fail(r.bad.front());
    if (s != SB_OK && s != SB_INVALID_INPUT) {
      return fail("validate_config returned status " + std::to_string(static_cast<int>(s)));
    }
    if (s == SB_INVALID_INPUT && r.problems.empty()) {
      return fail("validate_config refused a block without reporting why");
    }
    if (s == SB_OK && !r.problems.empty()) return fail("validate_config reported a problem but returned SB_OK");
    if (s == SB_OK && (garbage.empty() || garbage.front() != '{')) {
      return fail("validate_config accepted '" + garbage.substr(0, 20) + "', which is not a config block");
    }
  }
  return pass();
}

Verdict create_destroy_cycles(const Subject &subject) {
  std::string error;
  const auto plugin = load_plugin(subject, error);
  if (!plugin) return fail(error);
  // Every tenth instance is used once in between, so a leak per call shows too.
  const auto cycle = [&](int i) -> std::string {
    auto instance = KitInstance::create(subject, plugin, error);
    if (!instance) return "create() failed: " + error;
    if (i % 10 == 0) smoke(*instance);
    instance->destroy();
    note_progress();
    return "";
  };
  // The first cycle loads what stays loaded (libraries, models' caches).
  if (std::string e = cycle(0); !e.empty()) return skip(e);
  const Resources before = measure();
  for (int i = 0; i < kCycles; ++i) {
    if (std::string e = cycle(i); !e.empty()) return fail("cycle " + std::to_string(i + 2) + ": " + e);
  }
  const Resources after = settle(before.threads, std::chrono::seconds(2));
  const std::string seen = describe(before, after) + " over " + std::to_string(kCycles) + " cycles";
  if (after.fds > before.fds) return fail("file descriptors leak: " + seen);
  if (after.threads > before.threads) return fail("threads outlive destroy(): " + seen);
  if (after.rss_bytes - before.rss_bytes > kRssSlack) return fail("memory leaks: " + seen);
  return pass(seen);
}

Verdict host_services_use(const Subject &subject) {
  std::string error;
  const auto plugin = load_plugin(subject, error);
  if (!plugin) return fail(error);
  auto instance = KitInstance::create(subject, plugin, error);
  if (!instance) return skip("create() failed: " + error);
  smoke(*instance);
  instance->destroy();
  // What a thread left running does next: nothing to wait on but time.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto violations = instance->host().violations();
  if (!violations.empty()) return fail(violations.front());
  return pass(std::to_string(instance->host().log_lines()) + " log lines, " +
              std::to_string(instance->host().metric_calls()) + " metric calls, all as documented");
}

Verdict no_extensions(const Subject &subject) {
  std::string error;
  const auto plugin = load_plugin(subject, error);
  if (!plugin) return fail(error);
  auto instance = KitInstance::create(subject, plugin, error, FaultHost::Options{false});
  if (!instance) {
    if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
    return pass("create() refused with a message: " + error);
  }
  const std::string outcome = smoke(*instance);
  instance->destroy();
  if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
  return pass(outcome);
}

Verdict no_exception_escapes(const Subject &subject) {
  std::string error;
  const auto plugin = load_plugin(subject, error);
  if (!plugin) return fail(error);
  auto instance = KitInstance::create(subject, plugin, error);
  if (!instance) {
    if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
    return skip("create() failed: " + error);
  }
  smoke(*instance);
  provoke(*instance);
  instance->destroy();
  if (!escaped_exceptions().empty()) return fail(escaped_exceptions().front());
  return pass();
}

}  // namespace

std::vector<Check> loading_checks() {
  return {
      {"descriptor", "abi.h", 14, "A host loads a plugin only if the majors are equal.", &descriptor},
      {"entry_starts_no_threads", "abi.h", 170, "it must not start threads or touch the outside",
       &entry_starts_no_threads},
      {"validate_config", "abi.h", 155, "Checks a config block (JSON", &validate_config},
  };
}

std::vector<Check> instance_checks() {
  return {
      {"create_destroy_cycles", "abi.h", 162, "Destroys an instance. Every call and stream of", &create_destroy_cycles},
      {"host_services_use", "abi.h", 89, "Services the host gives each plugin instance. Valid from create() until",
       &host_services_use},
      {"no_extensions", "abi.h", 114, "or NULL when the host does not offer it.", &no_extensions},
      {"no_exception_escapes", "abi.h", 2, "Plain C11 so any language with a C FFI can implement it.",
       &no_exception_escapes},
  };
}

}  // namespace switchboard::plugin_test
