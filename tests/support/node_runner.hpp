// Running a published API's JavaScript client example in Node: node with a
// WebSocket global (22, or 20 with a flag), else with the `ws` package
// (Debian's node-ws, which scripts/install-deps.sh installs) or, failing
// that, `ws` installed from npm by the client's own package lock.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace switchboard::test {

struct NodeCommand {
  std::vector<std::string> args;  // for /usr/bin/env: node, flags, the script
  std::map<std::string, std::string> env;
};

// `script` in `dir`; when `install_dir` is given and nothing else works,
// dir's package.json and package-lock.json are installed there with the
// script. Nullopt, with `why_not`, when node cannot run it.
inline std::optional<NodeCommand> node_with_websocket(const std::string &dir, const std::string &script,
                                                      std::string &why_not, const std::string &install_dir = "") {
  if (run("/bin/sh", {"-c", "command -v node"}).code != 0) {
    why_not = "node is not installed (scripts/install-deps.sh installs nodejs)";
    return std::nullopt;
  }
  for (const std::vector<std::string> &flags : {std::vector<std::string>{}, {"--experimental-websocket"}}) {
    std::vector<std::string> probe = {"node"};
    probe.insert(probe.end(), flags.begin(), flags.end());
    probe.insert(probe.end(), {"-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)"});
    if (run("/usr/bin/env", probe).code == 0) {
      NodeCommand cmd{{"node"}, {}};
      cmd.args.insert(cmd.args.end(), flags.begin(), flags.end());
      cmd.args.push_back(dir + "/" + script);
      return cmd;
    }
  }
  if (std::filesystem::exists("/usr/share/nodejs/ws/package.json")) {
    return NodeCommand{{"node", dir + "/" + script}, {{"NODE_PATH", "/usr/share/nodejs"}}};
  }
  if (install_dir.empty()) {
    why_not = "node has no WebSocket and the ws package is missing (scripts/install-deps.sh installs node-ws)";
    return std::nullopt;
  }
  std::filesystem::create_directories(install_dir);
  for (const std::string &f : {std::string("package.json"), std::string("package-lock.json"), script}) {
    std::filesystem::copy_file(dir + "/" + f, install_dir + "/" + f, std::filesystem::copy_options::overwrite_existing);
  }
  if (!std::filesystem::exists(install_dir + "/node_modules/ws")) {
    const auto installed = run("/usr/bin/env", {"npm", "ci", "--no-audit", "--no-fund", "--prefix", install_dir});
    if (installed.code != 0) {
      why_not = "npm ci failed: " + installed.err;
      return std::nullopt;
    }
  }
  return NodeCommand{{"node", install_dir + "/" + script}, {}};
}

}  // namespace switchboard::test
