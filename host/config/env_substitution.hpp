// ${env:NAME} and ${env:NAME:-default} in config strings; $${ is a literal ${.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string &name)>;

// The process environment.
EnvLookup process_env();

struct Substitution {
  std::string value;
  std::string error;  // non-empty when a reference could not be resolved
  bool substituted = false;
};

Substitution substitute_env(std::string_view text, const EnvLookup &lookup);

}  // namespace switchboard::config
