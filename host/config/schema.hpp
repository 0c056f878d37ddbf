// A small schema for the host's own config keys: types, ranges, allowed
// values, required and unknown keys. Every problem is reported at its YAML
// position; validation never stops at the first one.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/diagnostics.hpp"
#include "config/yaml_document.hpp"

namespace switchboard::config {

struct Field;

class Rule {
 public:
  enum class Type { any, object, plugin_config, array, string, integer, number, boolean };
  // Returns an error message, or "" when the value is fine.
  using Check = std::function<std::string(const nlohmann::json &)>;

  static Rule object(std::vector<Field> fields);
  // A plugin's own `config:` block: a mapping whose keys the plugin checks.
  static Rule plugin_config();
  static Rule array(Rule items);
  static Rule string();
  static Rule integer(long long min, long long max);
  static Rule number(double min, double max);
  static Rule boolean();

  Rule &one_of(std::vector<std::string> allowed);
  Rule &check(Check fn);

  void validate(const nlohmann::json &value, const std::string &pointer, const YamlDocument &doc,
                Diagnostics &diags) const;

 private:
  bool check_type(const nlohmann::json &value, const std::string &pointer, const YamlDocument &doc,
                  Diagnostics &diags) const;
  void validate_object(const nlohmann::json &value, const std::string &pointer, const YamlDocument &doc,
                       Diagnostics &diags) const;

  Type type_ = Type::any;
  std::vector<Field> fields_;
  std::shared_ptr<Rule> items_;
  std::vector<std::string> allowed_;
  double min_ = 0;
  double max_ = 0;
  std::vector<Check> checks_;
};

struct Field {
  std::string name;
  Rule rule;
  bool required = false;
};

inline Field required(std::string name, Rule rule) {
  return {std::move(name), std::move(rule), true};
}
inline Field optional(std::string name, Rule rule) {
  return {std::move(name), std::move(rule), false};
}

}  // namespace switchboard::config
