// A YAML file read into JSON, with the position of every key and value kept
// by JSON pointer so any later check can report FILE:LINE:COL.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "config/diagnostics.hpp"
#include "config/env_substitution.hpp"

namespace switchboard::config {

class YamlDocument {
 public:
  // Parses `text` (named `file` in messages). Syntax errors, duplicate keys and
  // unresolved ${env:...} references go to `diags`.
  static YamlDocument parse(const std::string &text, const std::string &file, const EnvLookup &env, Diagnostics &diags);
  static YamlDocument load(const std::filesystem::path &path, const EnvLookup &env, Diagnostics &diags);

  const nlohmann::json &root() const noexcept { return root_; }
  const std::string &file() const noexcept { return file_; }

  // Where the value at `pointer` starts; falls back to the nearest enclosing
  // value that has a position.
  Position value_at(const std::string &pointer) const;
  // Where the key naming `pointer` starts (the value's position for list items).
  Position key_at(const std::string &pointer) const;

  void error_at_value(Diagnostics &diags, const std::string &pointer, std::string message) const;
  void error_at_key(Diagnostics &diags, const std::string &pointer, std::string message) const;

 private:
  friend class YamlConverter;
  Position lookup(const std::map<std::string, Position> &table, std::string pointer) const;

  std::string file_;
  nlohmann::json root_;
  std::map<std::string, Position> values_;
  std::map<std::string, Position> keys_;
};

}  // namespace switchboard::config
