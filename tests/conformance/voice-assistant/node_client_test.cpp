// The document's own JavaScript client example, run in Node against the
// real binary: a client written for the API works unchanged.
#include <gtest/gtest.h>

#include "server_fixture.hpp"
#include "support/node_runner.hpp"

namespace switchboard::test {
namespace {

const std::string kClientDir = SWITCHBOARD_SOURCE_DIR "/tests/conformance/voice-assistant/node";

TEST(NodeClient, TheDocumentsExampleCompletesAVoiceTurn) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string why_not;
  auto command = node_with_websocket(kClientDir, "client.mjs", why_not, SWITCHBOARD_NODE_CLIENT_DIR);
  ASSERT_TRUE(command) << why_not;
  auto args = command->args;
  args.push_back("http://127.0.0.1:" + std::to_string(server.port()));
  args.push_back(speech_path("crying.wav"));
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
