// The config loader (an operator's YAML, with ${env:NAME} references, checked
// against the schema and decoded): any text is a config or diagnostics that
// name the file, and a config that passed can be shown.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>

#include "config/config.hpp"
#include "config/yaml_document.hpp"

namespace {

constexpr const char *kSecret = "sk-fuzz-secret-value";

std::optional<std::string> env(const std::string &name) {
  if (name == "API_KEY") return std::string(kSecret);
  if (name == "PORT") return std::string("8080");
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  switchboard::config::Diagnostics diags;
  const auto doc = switchboard::config::YamlDocument::parse(text, "fuzz.yaml", env, diags);
  const auto config = switchboard::config::decode(doc, diags);
  std::ostringstream printed;
  diags.print(printed);
  if (!diags.empty() && printed.str().find("fuzz.yaml") == std::string::npos) std::abort();
  // What `switchboard check --print` shows of a config that passed.
  if (diags.empty()) (void)switchboard::config::redacted(doc.root()).dump(2);
  (void)config;
  return 0;
}
