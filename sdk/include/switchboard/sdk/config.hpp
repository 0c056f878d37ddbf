// Helpers for a plugin's own config validation: each problem is reported at a
// JSON pointer into the config block, and the host shows it at that YAML spot.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/abi.h"
#include "switchboard/sdk/utf8.hpp"

namespace switchboard::sdk {

class ConfigErrors {
 public:
  explicit ConfigErrors(sb_config_report report) : report_(report) {}

  void add(const std::string &json_pointer, const std::string &message) {
    ++count_;
    report_.error(report_.user, json_pointer.c_str(), utf8_or_replaced(message).c_str());
  }
  bool empty() const noexcept { return count_ == 0; }
  int count() const noexcept { return count_; }

 private:
  sb_config_report report_;
  int count_ = 0;
};

namespace config {

// The JSON pointer of a top-level key ('~' and '/' escaped).
inline std::string pointer(std::string_view key) {
  std::string out = "/";
  for (char c : key) {
    out.append(c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c));
  }
  return out;
}

// "'key'" followed by `rest`. Built with append: GCC 12 misreports chains of
// string + at -O3 (-Wrestrict).
inline std::string about(std::string_view key, std::string_view rest) {
  std::string m;
  m.reserve(key.size() + rest.size() + 2);
  m.append("'").append(key).append("'").append(rest);
  return m;
}

// Reports every key of `block` not in `allowed`, at `at` (the block's own
// JSON pointer, "" for the top level). Returns false if `block` is not an
// object at all.
inline bool allow_only(const nlohmann::json &block, const std::vector<std::string_view> &allowed, ConfigErrors &errors,
                       const std::string &at = "") {
  if (!block.is_object()) {
    errors.add(at, "expected a mapping");
    return false;
  }
  for (const auto &item : block.items()) {
    bool known = false;
    for (auto name : allowed) {
      known = known || item.key() == name;
    }
    if (!known) {
      errors.add(at + pointer(item.key()), std::string("unknown key ").append(about(item.key(), "")));
    }
  }
  return true;
}

inline bool allow_only(const nlohmann::json &block, std::initializer_list<std::string_view> allowed,
                       ConfigErrors &errors) {
  return allow_only(block, std::vector<std::string_view>(allowed), errors);
}

inline void expect_string(const nlohmann::json &block, std::string_view key, ConfigErrors &errors,
                          bool required = false) {
  const auto it = block.find(std::string(key));
  if (it == block.end()) {
    if (required) errors.add("", std::string("missing required key ").append(about(key, "")));
  } else if (!it->is_string()) {
    errors.add(pointer(key), about(key, " must be a string"));
  }
}

// `at`, in these checks: the block's own JSON pointer ("" for the top level).
inline void expect_bool(const nlohmann::json &block, std::string_view key, ConfigErrors &errors,
                        const std::string &at = "") {
  const auto it = block.find(std::string(key));
  if (it != block.end() && !it->is_boolean()) {
    errors.add(at + pointer(key), about(key, " must be true or false"));
  }
}

inline void expect_number(const nlohmann::json &block, std::string_view key, ConfigErrors &errors, double min,
                          double max) {
  const auto it = block.find(std::string(key));
  if (it == block.end()) {
    return;
  }
  if (!it->is_number()) {
    errors.add(pointer(key), about(key, " must be a number"));
  } else if (it->get<double>() < min || it->get<double>() > max) {
    errors.add(pointer(key), about(key, " must be between ")
                                 .append(nlohmann::json(min).dump())
                                 .append(" and ")
                                 .append(nlohmann::json(max).dump()));
  }
}

inline void expect_integer(const nlohmann::json &block, std::string_view key, ConfigErrors &errors, std::int64_t min,
                           std::int64_t max, const std::string &at = "") {
  const auto it = block.find(std::string(key));
  if (it == block.end()) {
    return;
  }
  if (!it->is_number_integer()) {
    errors.add(at + pointer(key), about(key, " must be a whole number"));
  } else if (it->get<std::int64_t>() < min || it->get<std::int64_t>() > max) {
    errors.add(at + pointer(key),
               about(key, " must be between ").append(std::to_string(min)).append(" and ").append(std::to_string(max)));
  }
}

}  // namespace config
}  // namespace switchboard::sdk
