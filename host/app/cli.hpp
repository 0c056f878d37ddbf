// The command line (a user contract; see docs/configuration.md):
//   switchboard --config FILE            run (also: switchboard serve --config FILE)
//   switchboard check --config FILE      validate the config and load every plugin
//   switchboard plugins [--config FILE]  list the plugins found
//   switchboard ask --config FILE [--repeat N] TEXT   one llm turn through the chain
//   switchboard plugin-test PLUGIN.so [--config FILE --name INSTANCE] [--check NAME]... [--json]
//   switchboard --version
//   switchboard status|providers|sessions --url URL [--key K] [--json]
//   switchboard reset KIND [NAME] | force-open KIND NAME | reload  --url URL [--key K] [--json]
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace switchboard::app {

struct Command {
  enum class Name {
    serve,
    check,
    plugins,
    ask,
    plugin_test,
    version,
    help,
    status,
    providers,
    sessions,
    reset,
    force_open,
    reload
  };
  Name name = Name::help;
  std::string config;
  std::string log_level;  // overrides the config's log.level when set
  bool print = false;     // check --print: show the effective config, secrets hidden
  std::string text;       // ask: the user's message
  int repeat = 1;         // ask: how many turns
  std::string listen;     // ask: a recording to transcribe and answer, instead of text
  std::string speak;      // ask: where to write the spoken answer (WAV)
  // plugin-test: the plugin's file, the instance of the config to take its
  // config block from, and the checks to run (none: all).
  std::string plugin_file;
  std::string instance;
  std::vector<std::string> checks;
  bool list = false;  // plugin-test --list: the checks, with no plugin
  // The operator's commands (against a running host's native API):
  std::string url;       // the host, e.g. http://127.0.0.1:8000
  std::string key;       // an admin API key, when auth is on
  bool json = false;     // the API's answer as it came (plugin-test: the report), for scripts
  std::string kind;      // reset, force-open: stt, llm or tts
  std::string provider;  // reset (optional), force-open: the provider's name

  bool operates() const noexcept { return name >= Name::status; }
};

// A Command, or the error message for a command line that makes no sense.
std::variant<Command, std::string> parse_cli(const std::vector<std::string> &args);
std::string usage();

}  // namespace switchboard::app
