// The transport plugins Switchboard ships, for the tests that serve every
// API from one binary.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace switchboard::test {

// Each shipped transport: the name the tests give it, and its plugin.
inline const std::vector<std::pair<std::string, std::string>> &shipped_transports() {
  static const std::vector<std::pair<std::string, std::string>> all = {{"voice-api", "transport-voice-api"},
                                                                       {"poppins", "transport-poppins"},
                                                                       {"conversational", "transport-conversational"},
                                                                       {"voxtral", "transport-voxtral"},
                                                                       {"youworker", "transport-youworker"}};
  return all;
}

// A `transports:` block serving each on 127.0.0.1 port 0, with the config
// block (YAML flow text) `config` gives for its name.
inline std::string every_transport(const std::function<std::string(const std::string &name)> &config) {
  std::string yaml = "transports:\n";
  for (const auto &[name, plugin] : shipped_transports()) {
    yaml += "  - {name: " + name + ", plugin: " + plugin + ", listen: \"127.0.0.1:0\", config: " + config(name) + "}\n";
  }
  return yaml;
}

}  // namespace switchboard::test
