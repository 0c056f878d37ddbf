#include "config/plugin_checks.hpp"

namespace switchboard::config {
namespace {

struct ReportContext {
  const YamlDocument &doc;
  Diagnostics &diags;
  std::string base;  // pointer of the config block
  std::string what;  // "llm 'ollama'"
};

void report_error(void *user, const char *json_pointer, const char *message) {
  auto *ctx = static_cast<ReportContext *>(user);
  const std::string pointer = ctx->base + (json_pointer != nullptr ? json_pointer : "");
  ctx->doc.error_at_key(ctx->diags, pointer, ctx->what + ": " + (message != nullptr ? message : "invalid"));
}

std::string known_ids(const plugin::Registry &registry, const std::string &kind) {
  std::string out;
  for (const auto &p : registry.plugins()) {
    if (kind == plugin::kind_name(p->info().kind)) {
      out += (out.empty() ? "" : ", ") + p->info().id;
    }
  }
  return out.empty() ? "no " + kind + " plugins were found" : "found: " + out;
}

void check_one(const std::string &kind, const std::string &name, const std::string &plugin_id,
               const nlohmann::json &config, const std::string &pointer, const YamlDocument &doc,
               const plugin::Registry &registry, Diagnostics &diags) {
  if (plugin_id.empty()) {
    return;  // the schema has reported it
  }
  const auto plugin = registry.find(plugin_id);
  if (!plugin) {
    doc.error_at_value(diags, pointer + "/plugin",
                       "unknown " + kind + " plugin '" + plugin_id + "' (" + known_ids(registry, kind) + ")");
    return;
  }
  const std::string actual = plugin::kind_name(plugin->info().kind);
  if (actual != kind) {
    doc.error_at_value(diags, pointer + "/plugin",
                       "plugin '" + plugin_id + "' is a " + actual + " plugin, not " + kind);
    return;
  }
  const auto validate = plugin->descriptor().validate_config;
  if (validate == nullptr) {
    return;
  }
  ReportContext ctx{doc, diags, pointer + "/config", kind + " '" + name + "'"};
  validate(config.dump().c_str(), sb_config_report{&report_error, &ctx});
}

}  // namespace

void check_plugins(const Config &config, const YamlDocument &doc, const plugin::Registry &registry,
                   Diagnostics &diags) {
  for (const ProviderSpec *p : config.providers()) {
    check_one(p->kind, p->name, p->plugin, p->config, p->pointer, doc, registry, diags);
  }
  for (const auto &t : config.transports) {
    check_one("transport", t.name, t.plugin, t.config, t.pointer, doc, registry, diags);
  }
}

}  // namespace switchboard::config
