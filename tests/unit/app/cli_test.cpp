#include "app/cli.hpp"

#include <gtest/gtest.h>

namespace switchboard::app {
namespace {

Command parsed(std::vector<std::string> args) {
  auto r = parse_cli(args);
  if (auto *err = std::get_if<std::string>(&r)) {
    ADD_FAILURE() << *err;
    return {};
  }
  return std::get<Command>(r);
}

std::string error_of(std::vector<std::string> args) {
  auto r = parse_cli(args);
  auto *err = std::get_if<std::string>(&r);
  return err != nullptr ? *err : "";
}

TEST(Cli, ConfigAloneServes) {
  const auto c = parsed({"--config", "a.yaml"});
  EXPECT_EQ(c.name, Command::Name::serve);
  EXPECT_EQ(c.config, "a.yaml");
}

TEST(Cli, SubcommandsAndOptionsInAnyOrder) {
  EXPECT_EQ(parsed({"serve", "--config", "a.yaml"}).name, Command::Name::serve);
  const auto check = parsed({"--config=b.yaml", "check", "--print", "--log-level", "debug"});
  EXPECT_EQ(check.name, Command::Name::check);
  EXPECT_EQ(check.config, "b.yaml");
  EXPECT_TRUE(check.print);
  EXPECT_EQ(check.log_level, "debug");
  EXPECT_EQ(parsed({"plugins"}).name, Command::Name::plugins);
  EXPECT_EQ(parsed({"--version"}).name, Command::Name::version);
  EXPECT_EQ(parsed({}).name, Command::Name::help);
}

TEST(Cli, AskTakesTheRestAsText) {
  const auto c = parsed({"ask", "--config", "a.yaml", "what", "is", "--repeat", "3", "new"});
  EXPECT_EQ(c.name, Command::Name::ask);
  EXPECT_EQ(c.text, "what is new");
  EXPECT_EQ(c.repeat, 3);
  EXPECT_EQ(error_of({"ask", "--config", "a.yaml"}), "ask needs the text to send (or --listen FILE)");
  EXPECT_EQ(error_of({"ask", "--config", "a.yaml", "x", "--repeat", "0"}), "--repeat takes a number from 1 to 10000");
  EXPECT_EQ(error_of({"check", "--config", "a.yaml", "--repeat", "2"}), "--repeat goes with ask");
}

TEST(Cli, AskListensToARecordingOrSpeaksTheAnswer) {
  const auto voice = parsed({"ask", "--config", "a.yaml", "--listen", "in.wav", "--speak", "out.wav"});
  EXPECT_EQ(voice.listen, "in.wav");
  EXPECT_EQ(voice.speak, "out.wav");
  EXPECT_TRUE(voice.text.empty());
  EXPECT_EQ(parsed({"ask", "--config", "a.yaml", "--speak", "o.wav", "hi", "there"}).text, "hi there");
  EXPECT_EQ(error_of({"ask", "--config", "a.yaml", "--listen", "in.wav", "hello"}),
            "ask takes TEXT or --listen FILE, not both");
  EXPECT_EQ(error_of({"check", "--config", "a.yaml", "--speak", "o.wav"}), "--listen and --speak go with ask");
  EXPECT_EQ(error_of({"ask", "--config", "a.yaml", "--listen"}), "--listen needs a value");
}

TEST(Cli, ExplainsWhatIsWrong) {
  EXPECT_EQ(error_of({"check"}), "--config FILE is required");
  EXPECT_EQ(error_of({"serve"}), "--config FILE is required");
  EXPECT_EQ(error_of({"--config"}), "--config needs a value");
  EXPECT_EQ(error_of({"--config", "a", "frobnicate"}), "unexpected argument 'frobnicate'");
  EXPECT_EQ(error_of({"--config", "a", "--print"}), "--print goes with check");
}

TEST(Cli, TheOperatorsCommandsTakeTheHostsUrlAKeyAndJson) {
  const auto reset = parsed({"reset", "llm", "groq", "--url", "http://127.0.0.1:8000", "--key", "k", "--json"});
  EXPECT_EQ(reset.name, Command::Name::reset);
  EXPECT_EQ(reset.kind, "llm");
  EXPECT_EQ(reset.provider, "groq");
  EXPECT_EQ(reset.url, "http://127.0.0.1:8000");
  EXPECT_EQ(reset.key, "k");
  EXPECT_TRUE(reset.json);
  EXPECT_EQ(parsed({"reset", "tts", "--url", "u"}).provider, "") << "every tts provider";
  EXPECT_EQ(parsed({"status", "--url", "u"}).name, Command::Name::status);
  EXPECT_EQ(parsed({"providers", "--url", "u"}).name, Command::Name::providers);
  EXPECT_EQ(parsed({"sessions", "--url", "u"}).name, Command::Name::sessions);
  EXPECT_EQ(parsed({"reload", "--url", "u"}).name, Command::Name::reload);
  EXPECT_EQ(parsed({"force-open", "stt", "deepgram", "--url", "u"}).name, Command::Name::force_open);
}

TEST(Cli, TheOperatorsCommandsSayWhatIsMissing) {
  EXPECT_EQ(error_of({"status"}), "--url URL (the host's native API) is required");
  EXPECT_EQ(error_of({"reset", "--url", "u"}), "KIND is stt, llm or tts");
  EXPECT_EQ(error_of({"reset", "cache", "--url", "u"}), "KIND is stt, llm or tts");
  EXPECT_EQ(error_of({"force-open", "llm", "--url", "u"}), "force-open needs KIND and NAME");
  EXPECT_EQ(error_of({"reset", "llm", "a", "b", "--url", "u"}), "unexpected argument 'b'");
  EXPECT_EQ(error_of({"check", "--config", "a.yaml", "--json"}),
            "--url, --key and --json go with the commands for a running host");
}

}  // namespace
}  // namespace switchboard::app

namespace switchboard::app {
namespace {

TEST(Cli, PluginTestTakesThePluginAnInstanceAndChecks) {
  const auto c = parsed({"plugin-test", "build/mine.so", "--config", "a.yaml", "--name", "mine", "--check",
                         "one_on_done", "--check", "usage_once", "--json"});
  EXPECT_EQ(c.name, Command::Name::plugin_test);
  EXPECT_EQ(c.plugin_file, "build/mine.so");
  EXPECT_EQ(c.config, "a.yaml");
  EXPECT_EQ(c.instance, "mine");
  EXPECT_EQ(c.checks, (std::vector<std::string>{"one_on_done", "usage_once"}));
  EXPECT_TRUE(c.json);
  EXPECT_EQ(parsed({"plugin-test", "mine.so"}).config, "");
}

TEST(Cli, PluginTestListsItsChecksWithNoPlugin) {
  const auto c = parsed({"plugin-test", "--list", "--json"});
  EXPECT_EQ(c.name, Command::Name::plugin_test);
  EXPECT_TRUE(c.list);
  EXPECT_TRUE(c.json);
  EXPECT_EQ(error_of({"plugin-test", "mine.so", "--list"}), "plugin-test --list takes no plugin, config or check");
  EXPECT_EQ(error_of({"plugins", "--list"}), "--list goes with plugin-test");
}

TEST(Cli, PluginTestExplainsWhatIsWrong) {
  EXPECT_EQ(error_of({"plugin-test"}), "plugin-test needs the plugin's file (PLUGIN.so)");
  EXPECT_EQ(error_of({"plugin-test", "mine.so", "--config", "a.yaml"}),
            "plugin-test takes --config FILE and --name INSTANCE together");
  EXPECT_EQ(error_of({"check", "--config", "a.yaml", "--name", "x"}), "--name and --check go with plugin-test");
}

}  // namespace
}  // namespace switchboard::app
