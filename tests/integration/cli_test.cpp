// The real switchboard binary, run as an operator would.
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "plugin/registry.hpp"
#include "support/fixtures.hpp"
#include "support/process.hpp"

namespace switchboard::test {
namespace {

const std::string kBinary = SWITCHBOARD_BINARY;
const std::string kConfigs = SWITCHBOARD_TEST_CONFIG_DIR;
const std::string kDefaultConfig = SWITCHBOARD_DEFAULT_CONFIG;

std::map<std::string, std::string> fixture_env(std::map<std::string, std::string> extra = {}) {
  extra["SB_FIXTURES"] = fixture_plugin_dir().string();
  return extra;
}

std::filesystem::path write_config(const std::string &name, const std::string &text) {
  // One folder per test process: runs in parallel never share a file.
  const auto dir = std::filesystem::temp_directory_path() / ("sb-cli-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path;
}

// The lines of `text` that start with `prefix`: diagnostics, without log lines.
std::string lines_starting(const std::string &text, const std::string &prefix) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out += line + "\n";
  }
  return out;
}

TEST(Cli, VersionNamesTheAbi) {
  const auto r = run(kBinary, {"--version"});
  EXPECT_EQ(r.code, 0);
  const std::string abi = std::to_string(SB_ABI_MAJOR) + "\\." + std::to_string(SB_ABI_MINOR);
  EXPECT_TRUE(std::regex_match(r.out, std::regex("switchboard \\d+\\.\\d+\\.\\d+ \\(plugin ABI " + abi + "\\)\n")))
      << r.out;
}

TEST(Cli, UnknownArgumentsExitTwoWithUsage) {
  const auto r = run(kBinary, {"--config", "x.yaml", "--frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unexpected argument '--frobnicate'"), std::string::npos);
  EXPECT_NE(r.err.find("usage:"), std::string::npos);
}

TEST(Cli, CheckAcceptsTheDefaultConfig) {
  const auto r = run(kBinary, {"check", "--config", kDefaultConfig});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(": ok ("), std::string::npos) << r.out;
}

TEST(Cli, CheckReportsFiveMistakesAtTheirPositions) {
  const std::string file = kConfigs + "/five-mistakes.yaml";
  const auto r = run(kBinary, {"check", "--config", file}, fixture_env());
  EXPECT_EQ(r.code, 1);
  // The binary lists the tts plugins it found: the fixtures, then those
  // installed beside it. Scan the same places for the expected list.
  plugin::Registry registry;
  registry.scan({fixture_plugin_dir(), std::filesystem::path(kBinary).parent_path() / "../lib/switchboard/plugins"});
  std::string found;
  for (const auto &p : registry.plugins()) {
    if (p->info().kind == SB_KIND_TTS) found += (found.empty() ? "" : ", ") + p->info().id;
  }
  const std::string expected =
      file + ":4:14: 'verbose' is not one of: trace, debug, info, warn, error, off\n" + file +
      ":8:14: llm 'echo': 'prefix' must be a string\n" + file +
      ":9:11: duplicate llm name 'echo': names must be unique within a kind\n" + file +
      ":13:13: unknown tts plugin 'tts-does-not-exist' (found: " + found + ")\n" + file +
      ":14:1: unknown key 'sesions' (expected one of: plugin_dirs, log, stt, llm, "
      "tts, cache, chains, shutdown, redis, sessions, conversation, audio, documents, tools, transports)\n" +
      "5 problems in " + file + "\n";
  EXPECT_EQ(lines_starting(r.err, file) + lines_starting(r.err, "5 problems"), expected);
}

TEST(Cli, CheckPassesOnTheFixtureConfigAndCountsWhatItHas) {
  const auto r = run(kBinary, {"check", "--config", kConfigs + "/fixtures.yaml"}, fixture_env());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok (1 stt, 1 llm, 1 tts, 1 cache, 1 transports)"), std::string::npos) << r.out;
}

TEST(Cli, CheckCreatesEveryInstanceAndReportsAFailingFactory) {
  const auto file = write_config("factory.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() +
                                                     "\"]\nllm:\n  - name: local\n    plugin: fixture-factory-fails\n");
  const auto r = run(kBinary, {"check", "--config", file.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(file.string() + ":3:5: llm 'local': plugin 'fixture-factory-fails' failed to start: model "
                                       "file '/nonexistent/model.bin' is missing"),
            std::string::npos)
      << r.err;
}

TEST(Cli, CheckNamesAKindMismatch) {
  const auto file = write_config("kind.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() +
                                                  "\"]\nstt:\n  - {name: x, plugin: fixture-llm-echo}\n");
  const auto r = run(kBinary, {"check", "--config", file.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find(":3:23: plugin 'fixture-llm-echo' is a llm plugin, not stt"), std::string::npos) << r.err;
}

TEST(Cli, CheckSurvivesAValidatorThatThrows) {
  const auto file = write_config("throws.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() +
                                                    "\"]\nllm:\n  - {name: t, plugin: fixture-llm-throws}\n");
  const auto r = run(kBinary, {"check", "--config", file.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("llm 't': unhandled exception: validate exploded"), std::string::npos) << r.err;
}

TEST(Cli, CheckPrintHidesSecrets) {
  const auto file = write_config("secret.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() +
                                                    "\"]\ntts:\n  - name: s\n    plugin: fixture-tts-silence\n"
                                                    "    config: {api_key: \"${env:SB_API_KEY}\", voice: flat}\n");
  const auto r = run(kBinary, {"check", "--print", "--config", file.string()}, {{"SB_API_KEY", "sk-test-777"}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"api_key\": \"***\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"voice\": \"flat\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sk-test-777"), std::string::npos);
  EXPECT_EQ(r.err.find("sk-test-777"), std::string::npos);
}

TEST(Cli, PluginsListsFoundAndRefused) {
  const auto file = write_config("list.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() + "\"]\n");
  const auto r = run(kBinary, {"plugins", "--config", file.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string abi = std::to_string(SB_ABI_MAJOR) + "\\." + std::to_string(SB_ABI_MINOR);
  EXPECT_TRUE(
      std::regex_search(r.out, std::regex("fixture-llm-echo +llm +1\\.0\\.0 +" + abi + " +/.*fixture-llm-echo\\.so")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("fixture-stt-counter +stt ")));
  EXPECT_NE(r.out.find("refused " + fixture_plugin("fixture-bad-abi").string() + ": built for plugin ABI 99.0"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("refused " + fixture_plugin("fixture-no-entry").string() + ": has no entry symbol"),
            std::string::npos);
  EXPECT_NE(r.out.find("refused " + fixture_plugin("fixture-dup-b").string() + ": duplicate plugin id"),
            std::string::npos);
}

TEST(Cli, AskStreamsTheAnswerThroughTheChainAndShowsTheFailover) {
  const std::string demo = std::string(SWITCHBOARD_SOURCE_DIR) + "/config/examples/failover-demo.yaml";
  const auto r = run(kBinary, {"ask", "--config", demo, "--repeat", "4", "what", "is", "the", "weather"});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string answer = "Tomorrow looks sunny with a light breeze in the afternoon.\n";
  std::string expected;
  for (int i = 0; i < 4; ++i) expected += answer;
  EXPECT_EQ(r.out, expected) << "each turn's answer once, though the primary breaks mid-answer";
  EXPECT_NE(r.err.find("turn 1: answered by steady-backup"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("flaky-primary breaker: closed -> open: 3 consecutive failures"), std::string::npos);
  EXPECT_NE(r.err.find("turn 4: answered by steady-backup"), std::string::npos);
  EXPECT_NE(r.err.find(", 0 fallback(s)"), std::string::npos) << "turn 4 skips the open primary";
}

TEST(Cli, AskFailsClearlyWhenEveryProviderFails) {
  const auto file = write_config("ask-down.yaml",
                                 "llm:\n  - {name: only, plugin: llm-scripted, config: "
                                 "{fail_after_tokens: 0, fail_message: \"upstream 503\"}}\n");
  const auto r = run(kBinary, {"ask", "--config", file.string(), "hello"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("turn 1: failed (retryable): all llm providers failed: only: upstream 503"), std::string::npos)
      << r.err;
}

TEST(Cli, AskHearsARecordingAndSpeaksTheAnswerOffline) {
  const auto out = write_config("answer.wav", "");
  const std::string recording = std::string(SWITCHBOARD_TESTDATA_DIR) + "/speech/crying.wav";
  const auto r = run(kBinary, {"ask", "--config", kDefaultConfig, "--log-level", "warn", "--listen", recording,
                               "--speak", out.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("heard: my baby will not stop crying"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("hunger"), std::string::npos) << "the knowledge base's answer about crying: " << r.out;
  EXPECT_NE(r.err.find("turn 1: answered by knowledge-base"), std::string::npos) << r.err;
  std::ifstream in(out, std::ios::binary);
  const std::vector<std::uint8_t> wav{std::istreambuf_iterator<char>(in), {}};
  ASSERT_GT(wav.size(), 44u + 16000u * 2) << "more than a second of speech";
  EXPECT_EQ(std::string(wav.begin(), wav.begin() + 4), "RIFF");
}

int bound_port(Process &p) {
  const std::string line = p.wait_for("listening on 127\\.0\\.0\\.1:[0-9]+");
  return line.empty() ? 0 : std::stoi(line.substr(line.rfind(':') + 1));
}

TEST(Serve, StartsWithBrokenPluginsAroundReloadsAndStopsCleanly) {
  Process p(kBinary, {"--config", kConfigs + "/fixtures.yaml"}, fixture_env());
  ASSERT_GT(bound_port(p), 0) << p.err();
  ASSERT_FALSE(p.wait_for("switchboard ready").empty()) << p.err();
  EXPECT_NE(p.err().find("fixture-bad-abi.so refused: built for plugin ABI 99.0"), std::string::npos);
  EXPECT_NE(p.err().find("stt=[counter] llm=[echo] tts=[silence] cache=fixture-cache-map"), std::string::npos)
      << p.err();

  p.signal(SIGHUP);
  EXPECT_FALSE(p.wait_for("config reloaded: stt=\\[counter\\]").empty()) << p.err();

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0) << p.err();
  EXPECT_NE(p.err().find("switchboard stopped"), std::string::npos);
}

TEST(Serve, DisablesAProviderWhoseFactoryFailsAndKeepsRunning) {
  const auto file = write_config("partial.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() +
                                                     "\"]\nllm:\n  - {name: broken, plugin: fixture-factory-fails}\n"
                                                     "  - {name: echo, plugin: fixture-llm-echo}\n");
  Process p(kBinary, {"--config", file.string()});
  ASSERT_FALSE(p.wait_for("switchboard ready").empty()) << p.err();
  EXPECT_NE(
      p.err().find("llm 'broken': plugin 'fixture-factory-fails' (" + fixture_plugin("fixture-factory-fails").string() +
                   ") failed to start: model file '/nonexistent/model.bin' is missing; left out"),
      std::string::npos)
      << p.err();
  EXPECT_NE(p.err().find("llm=[broken (disabled), echo]"), std::string::npos) << p.err();
  p.signal(SIGINT);
  EXPECT_EQ(p.wait(), 0);
}

TEST(Serve, RefusesToStartOnAnInvalidConfig) {
  const auto r = run(kBinary, {"--config", kConfigs + "/five-mistakes.yaml"}, fixture_env());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("five-mistakes.yaml:4:14:"), std::string::npos) << r.err;
}

TEST(Serve, AReloadWithMistakesKeepsTheRunningConfig) {
  const auto file = write_config("reload.yaml", "plugin_dirs: [\"" + fixture_plugin_dir().string() +
                                                    "\"]\nllm:\n  - {name: echo, plugin: fixture-llm-echo}\n");
  Process p(kBinary, {"--config", file.string()});
  ASSERT_FALSE(p.wait_for("switchboard ready").empty()) << p.err();
  std::ofstream(file) << "llm: [{name: echo}]\n";
  p.signal(SIGHUP);
  EXPECT_FALSE(p.wait_for("reload refused: .*missing required key 'plugin'").empty()) << p.err();
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
}

TEST(Serve, WritesJsonLogLinesWhenAsked) {
  Process p(kBinary, {"--config", kConfigs + "/fixtures.yaml"}, fixture_env({{"SB_LOG_FORMAT", "json"}}));
  const std::string line = p.wait_for("\\{[^\n]*switchboard ready[^\n]*\\}");
  ASSERT_FALSE(line.empty()) << p.err();
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["logger"], "switchboard");
  EXPECT_TRUE(parsed.contains("time"));
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
}

}  // namespace
}  // namespace switchboard::test
