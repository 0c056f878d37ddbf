#include "config/env_substitution.hpp"

#include <cstdlib>

namespace switchboard::config {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return !(name[0] >= '0' && name[0] <= '9');
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string &name) -> std::optional<std::string> {
    const char *value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Substitution substitute_env(std::string_view text, const EnvLookup &lookup) {
  Substitution out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out.value += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 6, "${env:") != 0) {
      out.value += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      out.error = "unterminated ${env:...} reference";
      return out;
    }
    const std::string_view body = text.substr(i + 6, close - i - 6);
    const std::size_t dash = body.find(":-");
    const std::string name(body.substr(0, dash));
    if (!valid_name(name)) {
      out.error = "invalid environment variable name '" + name + "'";
      return out;
    }
    const auto value = lookup(name);
    if (value && !(value->empty() && dash != std::string_view::npos)) {
      out.value += *value;
    } else if (dash != std::string_view::npos) {
      out.value += body.substr(dash + 2);
    } else {
      out.error =
          "environment variable '" + name + "' is not set (write ${env:" + name + ":-default} to give a default)";
      return out;
    }
    out.substituted = true;
    i = close + 1;
  }
  return out;
}

}  // namespace switchboard::config
