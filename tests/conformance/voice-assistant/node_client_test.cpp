// The document's own JavaScript client example, run in Node against the
// real binary: a client written for the API works unchanged.
#include <filesystem>
#include <optional>

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace switchboard::test {
namespace {

const std::string kClientDir = SWITCHBOARD_SOURCE_DIR "/tests/conformance/voice-assistant/node";

// How to run the client: node's own WebSocket when it has one (22, or 20
// with a flag); else the `ws` package, Debian's node-ws (scripts/install-deps.sh
// installs it) or, failing that, installed from npm into the build tree.
struct NodeCommand {
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
};

std::optional<NodeCommand> node_command(std::string &why_not) {
  if (run("/bin/sh", {"-c", "command -v node"}).code != 0) {
    why_not = "node is not installed (scripts/install-deps.sh installs nodejs)";
    return std::nullopt;
  }
  for (const std::vector<std::string> flags : {std::vector<std::string>{}, {"--experimental-websocket"}}) {
    std::vector<std::string> probe = {"node"};
    probe.insert(probe.end(), flags.begin(), flags.end());
    probe.insert(probe.end(), {"-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)"});
    if (run("/usr/bin/env", probe).code == 0) {
      NodeCommand cmd{flags, {}};
      cmd.args.push_back(kClientDir + "/client.mjs");
      return cmd;
    }
  }
  if (std::filesystem::exists("/usr/share/nodejs/ws/package.json")) {
    return NodeCommand{{kClientDir + "/client.mjs"}, {{"NODE_PATH", "/usr/share/nodejs"}}};
  }
  const std::string dir = SWITCHBOARD_NODE_CLIENT_DIR;
  std::filesystem::create_directories(dir);
  for (const char *f : {"package.json", "package-lock.json", "client.mjs"}) {
    std::filesystem::copy_file(kClientDir + "/" + f, dir + "/" + f, std::filesystem::copy_options::overwrite_existing);
  }
  if (!std::filesystem::exists(dir + "/node_modules/ws")) {
    const auto installed = run("/usr/bin/env", {"npm", "ci", "--no-audit", "--no-fund", "--prefix", dir});
    if (installed.code != 0) {
      why_not = "npm ci failed: " + installed.err;
      return std::nullopt;
    }
  }
  return NodeCommand{{dir + "/client.mjs"}, {}};
}

TEST(NodeClient, TheDocumentsExampleCompletesAVoiceTurn) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string why_not;
  auto command = node_command(why_not);
  ASSERT_TRUE(command) << why_not;
  auto args = command->args;
  args.push_back("http://127.0.0.1:" + std::to_string(server.port()));
  args.push_back(speech_path("crying.wav"));
  args.insert(args.begin(), "node");
  const auto r = run("/usr/bin/env", args, command->env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto summary = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << r.out;
  EXPECT_FALSE(summary["user_id"].get<std::string>().empty()) << "the token call answered";
  const std::vector<std::string> states = summary["states"];
  EXPECT_EQ(states.back(), "listening");
  EXPECT_NE(std::find(states.begin(), states.end(), "speaking"), states.end());
  EXPECT_EQ(summary["transcripts"][0], "user: hello there");
  EXPECT_GT(summary["audio_chunks"].get<int>(), 0) << "WAV audio arrived and would play";
}

}  // namespace
}  // namespace switchboard::test
