// The web console in Debian's Chromium, headless, with a fake microphone
// playing a recording: the page hears it, answers in text and speech, and
// shows which provider answered; a failing provider's breaker opens on the
// panel and its Reset button closes it; with auth on, keys are asked for
// and a user key is read-only. The page logs no error, connects nowhere
// but 127.0.0.1, and every control is reached by the keyboard. The
// DevTools protocol is driven by console_driver.js (Node, Debian's node-ws).
#include <gtest/gtest.h>

#include <filesystem>

#include "conformance/voice-assistant/server_fixture.hpp"
#include "support/headless_chromium.hpp"
#include "support/node_runner.hpp"
#include "support/process.hpp"

namespace switchboard::test {
namespace {

// Chromium takes no ".." in the fake microphone's path: made canonical.
const std::string kRecording =
    std::filesystem::weakly_canonical(SWITCHBOARD_SOURCE_DIR "/../shared/testdata/speech/hello.wav").string();

std::filesystem::path artifacts() {
  const auto dir = std::filesystem::path(SWITCHBOARD_BUILD_DIR) / "test-artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

// Chromium on about:blank with a DevTools port and the fake microphone;
// the driver takes it from there. The report, or null with why in `error`.
nlohmann::json drive(int port, const std::string &scenario, const std::string &screenshot,
                     const nlohmann::json &options, std::string &error) {
  HeadlessChromium chromium("about:blank",
                            {"--remote-debugging-port=0", "--use-fake-ui-for-media-stream",
                             "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + kRecording});
  const std::string line = chromium.wait_for("DevTools listening on ws://127\\.0\\.0\\.1:[0-9]+");
  if (line.empty()) {
    error = "Chromium did not start: " + chromium.log();
    return nullptr;
  }
  const std::string devtools = line.substr(line.rfind(':') + 1);
  std::string why;
  const auto node = node_with_websocket(SWITCHBOARD_SOURCE_DIR "/tests/browser", "console_driver.js", why);
  if (!node) {
    error = why;
    return nullptr;
  }
  auto args = node->args;
  args.insert(args.end(), {devtools, "http://127.0.0.1:" + std::to_string(port) + "/", scenario,
                           (artifacts() / screenshot).string(), options.dump()});
  // Each of the driver's waits has its own deadline; together under three minutes.
  Process driver("/usr/bin/env", args, node->env);
  const int code = driver.wait(std::chrono::minutes(3));
  const std::string out = driver.out();
  const auto report = nlohmann::json::parse(out, nullptr, false);
  if (report.is_discarded() || report.contains("error")) {
    error = "driver (exit " + std::to_string(code) + "): " + out + driver.err() +
            "\nchromium: " + chromium.log().substr(0, 2000);
  }
  return report.is_discarded() ? nlohmann::json(nullptr) : report;
}

void expect_a_clean_page(const nlohmann::json &report) {
  EXPECT_EQ(report["exceptions"], nlohmann::json::array());
  EXPECT_EQ(report["console_errors"], nlohmann::json::array());
  EXPECT_EQ(report["log_errors"], nlohmann::json::array());
  EXPECT_EQ(report["foreign"], nlohmann::json::array()) << "every request stays on 127.0.0.1";
}

TEST(WebConsole, TalkingHandsFreeShowsTheTranscriptTheAnswerAndWhoAnswered) {
  ASSERT_TRUE(HeadlessChromium::installed()) << "scripts/install-deps.sh installs chromium";
  ServedBinary server(SWITCHBOARD_BINARY,
                      "stt:\n  - {name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 1}}\n"
                      "llm:\n  - {name: knowledge-base, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
                      "/config/knowledge/parenting.yaml\"}}\n"
                      "tts:\n  - {name: flite, plugin: tts-flite, config: {voice: slt}}\n"
                      "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\"}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string error;
  const auto report = drive(server.port(), "talk", "console-talk.png", {}, error);
  ASSERT_TRUE(error.empty()) << error;
  const auto &steps = report["steps"];
  EXPECT_EQ(steps["page"], true);
  EXPECT_EQ(steps["handsfree"], true);
  ASSERT_TRUE(steps["transcript"].is_string()) << report;
  EXPECT_NE(steps["transcript"].get<std::string>().find("hello"), std::string::npos) << steps["transcript"];
  ASSERT_TRUE(steps["answer"].is_string()) << report;
  EXPECT_FALSE(steps["answer"].get<std::string>().empty());
  EXPECT_EQ(steps["playback"], "started");
  EXPECT_EQ(steps["served"], "knowledge-base");
  EXPECT_EQ(steps["unreached"], nlohmann::json::array()) << "controls the keyboard never reached";
  expect_a_clean_page(report);
  EXPECT_TRUE(std::filesystem::file_size(artifacts() / "console-talk.png") > 1000);
}

TEST(WebConsole, AFailingProviderShowsItsBreakerOpenAndResetClosesIt) {
  ASSERT_TRUE(HeadlessChromium::installed());
  ServedBinary server(SWITCHBOARD_BINARY,
                      "llm:\n"
                      "  - {name: local-llm, plugin: llm-scripted, circuit: {failure_threshold: 1, open_seconds: 600}, "
                      "fault: {error_rate: 1}, config: {reply: \"never said\"}}\n"
                      "  - {name: knowledge-base, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
                      "/config/knowledge/parenting.yaml\"}}\n"
                      "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n"
                      "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\"}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string error;
  const auto report = drive(server.port(), "breaker", "console-breaker.png",
                            {{"failing", "local-llm"}, {"question", "How much should a newborn sleep?"}}, error);
  ASSERT_TRUE(error.empty()) << error;
  const auto &steps = report["steps"];
  EXPECT_EQ(steps["before"], "closed");
  ASSERT_TRUE(steps["answer"].is_string()) << report;
  EXPECT_EQ(steps["opened"], "open");
  EXPECT_EQ(steps["served"], "knowledge-base") << "the fallback answered";
  EXPECT_EQ(steps["reset"], "closed");
  expect_a_clean_page(report);
}

TEST(WebConsole, WithAuthOnTheKeysAreAskedForAndAUserKeyIsReadOnly) {
  ASSERT_TRUE(HeadlessChromium::installed());
  const std::string user = "user-key-0123456789abcdef0123456789abcdef";
  const std::string admin = "admin-key-0123456789abcdef0123456789abcde";
  ServedBinary server(SWITCHBOARD_BINARY,
                      "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Hello there.\"}}\n"
                      "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n"
                      "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", "
                      "config: {auth: {enabled: true, api_keys: [{name: u, key: " +
                          user + ", role: user}, {name: a, key: " + admin + ", role: admin}]}}}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string error;
  const auto report = drive(server.port(), "auth", "console-auth.png", {{"user_key", user}}, error);
  ASSERT_TRUE(error.empty()) << error;
  const auto &steps = report["steps"];
  EXPECT_NE(steps["asked"].get<std::string>().find("API key"), std::string::npos) << report;
  EXPECT_EQ(steps["page"], "listening");
  EXPECT_GE(steps["panel"].get<int>(), 2);
  EXPECT_NE(steps["admin_asked"].get<std::string>().find("admin key"), std::string::npos) << report;
  EXPECT_NE(steps["read_only"].get<std::string>().find("watch, not steer"), std::string::npos);
  EXPECT_EQ(steps["buttons_disabled"], "yes");
  EXPECT_EQ(steps["answer"], "Hello there.");
  EXPECT_EQ(report["exceptions"], nlohmann::json::array());
  EXPECT_EQ(report["foreign"], nlohmann::json::array());
}

}  // namespace
}  // namespace switchboard::test
