#include "config/schema.hpp"

#include <algorithm>

#include "switchboard/sdk/config.hpp"

namespace switchboard::config {
namespace {

using nlohmann::json;

const char *type_name(Rule::Type type) {
  switch (type) {
    case Rule::Type::object:
    case Rule::Type::plugin_config:
      return "a mapping";
    case Rule::Type::array:
      return "a list";
    case Rule::Type::string:
      return "a string";
    case Rule::Type::integer:
      return "a whole number";
    case Rule::Type::number:
      return "a number";
    case Rule::Type::boolean:
      return "true or false";
    case Rule::Type::any:
      return "a value";
  }
  return "a value";
}

std::string found_name(const json &value) {
  switch (value.type()) {
    case json::value_t::object:
      return "a mapping";
    case json::value_t::array:
      return "a list";
    case json::value_t::string:
      return "the string '" + value.get<std::string>() + "'";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::null:
      return "nothing";
    default:
      return value.dump();
  }
}

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

std::string format_number(double v) {
  return v == static_cast<double>(static_cast<long long>(v)) ? std::to_string(static_cast<long long>(v))
                                                             : json(v).dump();
}

}  // namespace

Rule Rule::object(std::vector<Field> fields) {
  Rule r;
  r.type_ = Type::object;
  r.fields_ = std::move(fields);
  return r;
}

Rule Rule::plugin_config() {
  Rule r;
  r.type_ = Type::plugin_config;
  return r;
}

Rule Rule::array(Rule items) {
  Rule r;
  r.type_ = Type::array;
  r.items_ = std::make_shared<Rule>(std::move(items));
  return r;
}

Rule Rule::string() {
  Rule r;
  r.type_ = Type::string;
  return r;
}

Rule Rule::integer(long long min, long long max) {
  Rule r;
  r.type_ = Type::integer;
  r.min_ = static_cast<double>(min);
  r.max_ = static_cast<double>(max);
  return r;
}

Rule Rule::number(double min, double max) {
  Rule r;
  r.type_ = Type::number;
  r.min_ = min;
  r.max_ = max;
  return r;
}

Rule Rule::boolean() {
  Rule r;
  r.type_ = Type::boolean;
  return r;
}

Rule &Rule::one_of(std::vector<std::string> allowed) {
  allowed_ = std::move(allowed);
  return *this;
}

Rule &Rule::check(Check fn) {
  checks_.push_back(std::move(fn));
  return *this;
}

bool Rule::check_type(const json &value, const std::string &pointer, const YamlDocument &doc,
                      Diagnostics &diags) const {
  bool ok = true;
  switch (type_) {
    case Type::object:
      ok = value.is_object();
      break;
    case Type::plugin_config:
      ok = value.is_object() || value.is_null();
      break;
    case Type::array:
      ok = value.is_array();
      break;
    case Type::string:
      ok = value.is_string();
      break;
    case Type::integer:
      ok = value.is_number_integer();
      break;
    case Type::number:
      ok = value.is_number();
      break;
    case Type::boolean:
      ok = value.is_boolean();
      break;
    case Type::any:
      break;
  }
  if (!ok) {
    doc.error_at_value(diags, pointer, "expected " + std::string(type_name(type_)) + ", found " + found_name(value));
  }
  return ok;
}

void Rule::validate(const json &value, const std::string &pointer, const YamlDocument &doc, Diagnostics &diags) const {
  if (!check_type(value, pointer, doc, diags)) {
    return;
  }
  if (type_ == Type::object) {
    validate_object(value, pointer, doc, diags);
  } else if (type_ == Type::array) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      items_->validate(value[i], pointer + "/" + std::to_string(i), doc, diags);
    }
  } else if ((type_ == Type::integer || type_ == Type::number) &&
             (value.get<double>() < min_ || value.get<double>() > max_)) {
    doc.error_at_value(
        diags, pointer,
        "must be between " + format_number(min_) + " and " + format_number(max_) + ", found " + value.dump());
  }
  if (!allowed_.empty() && value.is_string()) {
    const auto &s = value.get_ref<const std::string &>();
    if (std::find(allowed_.begin(), allowed_.end(), s) == allowed_.end()) {
      doc.error_at_value(diags, pointer, "'" + s + "' is not one of: " + join(allowed_));
    }
  }
  for (const auto &fn : checks_) {
    if (auto message = fn(value); !message.empty()) {
      doc.error_at_value(diags, pointer, message);
    }
  }
}

void Rule::validate_object(const json &value, const std::string &pointer, const YamlDocument &doc,
                           Diagnostics &diags) const {
  std::vector<std::string> known;
  for (const auto &field : fields_) {
    known.push_back(field.name);
    const auto it = value.find(field.name);
    if (it == value.end()) {
      if (field.required) {
        doc.error_at_value(diags, pointer, "missing required key '" + field.name + "'");
      }
      continue;
    }
    field.rule.validate(*it, pointer + sdk::config::pointer(field.name), doc, diags);
  }
  for (const auto &item : value.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      doc.error_at_key(diags, pointer + sdk::config::pointer(item.key()),
                       "unknown key '" + item.key() + "' (expected one of: " + join(known) + ")");
    }
  }
}

}  // namespace switchboard::config
