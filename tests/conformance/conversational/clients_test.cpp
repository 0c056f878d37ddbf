// The document's own client examples, Python and JavaScript, run as written
// except for their URL (read from ../shared/apis/conversational.md at run
// time), each with a recording as its microphone: a client written for the
// API completes a turn against Switchboard unchanged.
#include <gtest/gtest.h>

#include "conversational_fixture.hpp"
#include "support/node_runner.hpp"

namespace switchboard::test {
namespace {

const std::string kDir = SWITCHBOARD_SOURCE_DIR "/tests/conformance/conversational";
const std::string kDocument = SWITCHBOARD_TESTDATA_DIR "/../apis/conversational.md";

struct Clients : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<ConversationalServer>(recognising_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<ConversationalServer> server;
  static std::string url() { return "ws://127.0.0.1:" + std::to_string(server->port()) + "/ws"; }
};
std::unique_ptr<ConversationalServer> Clients::server;

// Debian's python3 and python3-websockets (scripts/install-deps.sh).
TEST_F(Clients, ThePythonExampleHearsTheRecordingAndPrintsTheAnswer) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const auto r = run("/usr/bin/python3", {kDir + "/python_client.py", kDocument, url(), speech_path("crying.wav")});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Transcript: " + reference_of("crying") + "\n"), std::string::npos) << r.out;
  const auto ai = r.out.find("\nAI: ");
  ASSERT_NE(ai, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hunger", ai), std::string::npos) << "the knowledge base's answer: " << r.out;
}

TEST_F(Clients, TheJavaScriptExampleRunsInNodeAndPlaysTheAnswer) {
  std::string why_not;
  const auto command = node_with_websocket(kDir, "client.mjs", why_not);
  ASSERT_TRUE(command) << why_not;
  auto args = command->args;
  args.insert(args.end(), {kDocument, url(), speech_path("timer.wav")});
  const auto r = run("/usr/bin/env", args, command->env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto summary = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << r.out;
  const std::vector<std::string> logged = summary["logged"];
  EXPECT_EQ(logged.front(), "Connected to AI");
  const auto heard = std::find(logged.begin(), logged.end(), "Transcript: " + reference_of("timer"));
  EXPECT_NE(heard, logged.end()) << ::testing::PrintToString(logged);
  EXPECT_EQ(logged.back().rfind("AI Response: ", 0), 0U) << ::testing::PrintToString(logged);
  ASSERT_EQ(summary["played"].size(), 1U) << summary;
  EXPECT_EQ(summary["played"][0]["rate"], 16000);
  EXPECT_EQ(summary["played"][0]["channels"], 1);
  EXPECT_EQ(summary["played"][0]["bits"], 16);
}

}  // namespace
}  // namespace switchboard::test
