#include "config/yaml_document.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "switchboard/sdk/config.hpp"
#include "switchboard/sdk/utf8.hpp"

namespace switchboard::config {
namespace {

using nlohmann::json;

Position position_of(const YAML::Mark &mark) {
  if (mark.line < 0) {
    return {};
  }
  return {mark.line + 1, mark.column + 1};
}

// A plain (unquoted) scalar's type under the YAML 1.2 core schema.
json resolve_plain(const std::string &s) {
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex hex_re("0x[0-9a-fA-F]+");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return false;
  }
  try {
    if (std::regex_match(s, int_re)) {
      return std::stoll(s);
    }
    if (std::regex_match(s, hex_re)) {
      return std::stoll(s, nullptr, 16);
    }
    if (std::regex_match(s, float_re)) {
      return std::stod(s);
    }
  } catch (const std::out_of_range &) {
    return s;
  }
  if (s == ".inf" || s == "+.inf" || s == ".Inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-.inf" || s == "-.Inf") {
    return -std::numeric_limits<double>::infinity();
  }
  return s;
}

}  // namespace

class YamlConverter {
 public:
  YamlConverter(YamlDocument &doc, const EnvLookup &env, Diagnostics &diags) : doc_(doc), env_(env), diags_(diags) {}

  json convert(const YAML::Node &node, const std::string &pointer) {
    doc_.values_[pointer] = position_of(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return convert_map(node, pointer);
      case YAML::NodeType::Sequence: {
        json out = json::array();
        std::size_t index = 0;
        for (const auto &item : node) {
          out.push_back(convert(item, pointer + "/" + std::to_string(index++)));
        }
        return out;
      }
      case YAML::NodeType::Scalar:
        return convert_scalar(node);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
    }
    return nullptr;
  }

 private:
  json convert_map(const YAML::Node &node, const std::string &pointer) {
    json out = json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      const Position key_pos = position_of(it->first.Mark());
      if (!it->first.IsScalar()) {
        diags_.add(doc_.file_, key_pos, "mapping keys must be plain strings");
        continue;
      }
      const std::string key = it->first.Scalar();
      const std::string child = pointer + sdk::config::pointer(key);
      if (out.contains(key)) {
        diags_.add(doc_.file_, key_pos, "duplicate key '" + key + "'");
        continue;
      }
      doc_.keys_[child] = key_pos;
      out[key] = convert(it->second, child);
    }
    return out;
  }

  json convert_scalar(const YAML::Node &node) {
    const Substitution sub = substitute_env(node.Scalar(), env_);
    if (!sub.error.empty()) {
      diags_.add(doc_.file_, position_of(node.Mark()), sub.error);
      return "";
    }
    // "!" marks a quoted scalar: always a string.
    if (node.Tag() == "!") {
      return sub.value;
    }
    return resolve_plain(sub.value);
  }

  YamlDocument &doc_;
  const EnvLookup &env_;
  Diagnostics &diags_;
};

YamlDocument YamlDocument::parse(const std::string &text, const std::string &file, const EnvLookup &env,
                                 Diagnostics &diags) {
  YamlDocument doc;
  doc.file_ = file;
  if (!switchboard::sdk::valid_utf8(text)) {
    // YAML is Unicode text; a stray byte would otherwise travel into every
    // JSON view of the config (which cannot carry it).
    Position at;
    std::size_t begin = 0;
    for (at.line = 1;; ++at.line) {
      const auto end = text.find('\n', begin);
      if (!switchboard::sdk::valid_utf8(std::string_view(text).substr(begin, end - begin)) ||
          end == std::string::npos) {
        break;
      }
      begin = end + 1;
    }
    diags.add(file, at, "the file is not UTF-8 text");
    doc.root_ = json::object();
    return doc;
  }
  YAML::Node node;
  try {
    node = YAML::Load(text);
  } catch (const YAML::ParserException &e) {
    diags.add(file, position_of(e.mark), e.msg);
    doc.root_ = json::object();
    return doc;
  }
  YamlConverter converter(doc, env, diags);
  doc.root_ = converter.convert(node, "");
  if (doc.root_.is_null()) {
    doc.root_ = json::object();
  }
  return doc;
}

YamlDocument YamlDocument::load(const std::filesystem::path &path, const EnvLookup &env, Diagnostics &diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.add(path.string(), {}, "cannot read the file");
    YamlDocument doc;
    doc.file_ = path.string();
    doc.root_ = json::object();
    return doc;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string(), env, diags);
}

Position YamlDocument::lookup(const std::map<std::string, Position> &table, std::string pointer) const {
  while (true) {
    const auto it = table.find(pointer);
    if (it != table.end() && it->second.line > 0) {
      return it->second;
    }
    if (pointer.empty()) {
      return {};
    }
    pointer.erase(pointer.rfind('/'));
  }
}

Position YamlDocument::value_at(const std::string &pointer) const {
  return lookup(values_, pointer);
}

Position YamlDocument::key_at(const std::string &pointer) const {
  const auto it = keys_.find(pointer);
  if (it != keys_.end() && it->second.line > 0) {
    return it->second;
  }
  return value_at(pointer);
}

void YamlDocument::error_at_value(Diagnostics &diags, const std::string &pointer, std::string message) const {
  diags.add(file_, value_at(pointer), std::move(message));
}

void YamlDocument::error_at_key(Diagnostics &diags, const std::string &pointer, std::string message) const {
  diags.add(file_, key_at(pointer), std::move(message));
}

}  // namespace switchboard::config
