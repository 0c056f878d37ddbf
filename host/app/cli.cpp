#include "app/cli.hpp"

namespace switchboard::app {

std::string usage() {
  return "usage:\n"
         "  switchboard --config FILE             run the host (also: serve --config FILE)\n"
         "  switchboard check --config FILE       validate the config and load every plugin\n"
         "                     [--print]          and print the effective config, secrets hidden\n"
         "  switchboard plugins [--config FILE]   list the plugins found and those refused\n"
         "  switchboard ask --config FILE TEXT    send TEXT through the llm chain, print the answer\n"
         "                     [--repeat N]       N turns, to watch breakers and fallbacks\n"
         "                     [--listen IN.wav]  a whole turn through a session: IN.wav in place of\n"
         "                     [--speak OUT.wav]  TEXT, and/or the spoken answer written to OUT.wav\n"
         "  switchboard plugin-test PLUGIN.so     the plugin ABI's contract, checked on one plugin\n"
         "                     [--config FILE --name INSTANCE]  with that instance's config block\n"
         "                     [--check NAME]     only that check (repeatable)\n"
         "                     [--json]           the report as JSON, for CI\n"
         "  switchboard plugin-test --list [--json]  every check: what it enforces, for which kinds\n"
         "  switchboard --version\n"
         "a running host (its native API at URL, e.g. http://127.0.0.1:8000):\n"
         "  switchboard status --url URL          health, each chain's provider now, the last minute\n"
         "  switchboard providers --url URL       every provider: breaker, calls, failures\n"
         "  switchboard sessions --url URL        the sessions held\n"
         "  switchboard reset KIND [NAME] --url URL        close a breaker (every one of KIND without NAME)\n"
         "  switchboard force-open KIND NAME --url URL     keep a provider out until reset\n"
         "  switchboard reload --url URL          re-read the host's config file\n"
         "                     [--key K]          an admin key when the host has auth on\n"
         "                     [--json]           the API's answer as JSON, for scripts\n"
         "options:\n"
         "  --log-level LEVEL                     trace, debug, info, warn, error or off\n";
}

std::variant<Command, std::string> parse_cli(const std::vector<std::string> &args) {
  Command cmd;
  if (args.empty()) {
    return cmd;
  }
  cmd.name = Command::Name::serve;
  bool named = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "--config" || arg == "-c" || arg == "--log-level" || arg == "--listen" || arg == "--speak" ||
        arg == "--url" || arg == "--key" || arg == "--name" || arg == "--check") {
      if (i + 1 >= args.size()) {
        return arg + " needs a value";
      }
      if (arg == "--check") {
        cmd.checks.push_back(args[++i]);
        continue;
      }
      (arg == "--log-level" ? cmd.log_level
       : arg == "--name"    ? cmd.instance
       : arg == "--listen"  ? cmd.listen
       : arg == "--speak"   ? cmd.speak
       : arg == "--url"     ? cmd.url
       : arg == "--key"     ? cmd.key
                            : cmd.config) = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      cmd.config = arg.substr(9);
    } else if (arg == "--repeat") {
      if (i + 1 >= args.size()) {
        return "--repeat needs a value";
      }
      try {
        cmd.repeat = std::stoi(args[++i]);
      } catch (const std::exception &) {
        cmd.repeat = 0;
      }
      if (cmd.repeat < 1 || cmd.repeat > 10000) {
        return "--repeat takes a number from 1 to 10000";
      }
    } else if (arg == "--print") {
      cmd.print = true;
    } else if (arg == "--list") {
      cmd.list = true;
    } else if (arg == "--json") {
      cmd.json = true;
    } else if (arg == "--version" || arg == "-V" || arg == "version") {
      cmd.name = Command::Name::version;
      named = true;
    } else if (arg == "--help" || arg == "-h" || arg == "help") {
      cmd.name = Command::Name::help;
      named = true;
    } else if (!named &&
               (arg == "serve" || arg == "check" || arg == "plugins" || arg == "ask" || arg == "plugin-test")) {
      cmd.name = arg == "serve"         ? Command::Name::serve
                 : arg == "check"       ? Command::Name::check
                 : arg == "ask"         ? Command::Name::ask
                 : arg == "plugin-test" ? Command::Name::plugin_test
                                        : Command::Name::plugins;
      named = true;
    } else if (!named && (arg == "status" || arg == "providers" || arg == "sessions" || arg == "reset" ||
                          arg == "force-open" || arg == "reload")) {
      cmd.name = arg == "status"       ? Command::Name::status
                 : arg == "providers"  ? Command::Name::providers
                 : arg == "sessions"   ? Command::Name::sessions
                 : arg == "reset"      ? Command::Name::reset
                 : arg == "force-open" ? Command::Name::force_open
                                       : Command::Name::reload;
      named = true;
    } else if (cmd.name == Command::Name::plugin_test && arg.rfind("--", 0) != 0 && cmd.plugin_file.empty()) {
      cmd.plugin_file = arg;
    } else if (cmd.name == Command::Name::ask && arg.rfind("--", 0) != 0) {
      cmd.text += (cmd.text.empty() ? "" : " ") + arg;
    } else if ((cmd.name == Command::Name::reset || cmd.name == Command::Name::force_open) && arg.rfind("--", 0) != 0 &&
               cmd.provider.empty()) {
      (cmd.kind.empty() ? cmd.kind : cmd.provider) = arg;
    } else {
      return "unexpected argument '" + arg + "'";
    }
  }
  if (cmd.operates()) {
    if (cmd.url.empty()) return "--url URL (the host's native API) is required";
    if ((cmd.name == Command::Name::reset || cmd.name == Command::Name::force_open) && cmd.kind != "stt" &&
        cmd.kind != "llm" && cmd.kind != "tts") {
      return "KIND is stt, llm or tts";
    }
    if (cmd.name == Command::Name::force_open && cmd.provider.empty()) return "force-open needs KIND and NAME";
  } else if (cmd.name == Command::Name::plugin_test && cmd.list) {
    if (!cmd.plugin_file.empty() || !cmd.config.empty() || !cmd.instance.empty() || !cmd.checks.empty()) {
      return "plugin-test --list takes no plugin, config or check";
    }
    if (!cmd.url.empty() || !cmd.key.empty()) return "--url and --key go with the commands for a running host";
  } else if (cmd.name == Command::Name::plugin_test) {
    if (cmd.plugin_file.empty()) return "plugin-test needs the plugin's file (PLUGIN.so)";
    if (cmd.config.empty() != cmd.instance.empty())
      return "plugin-test takes --config FILE and --name INSTANCE together";
    if (!cmd.url.empty() || !cmd.key.empty()) return "--url and --key go with the commands for a running host";
  } else if (!cmd.url.empty() || !cmd.key.empty() || cmd.json) {
    return "--url, --key and --json go with the commands for a running host";
  }
  if ((!cmd.instance.empty() || !cmd.checks.empty()) && cmd.name != Command::Name::plugin_test) {
    return "--name and --check go with plugin-test";
  }
  if (cmd.list && cmd.name != Command::Name::plugin_test) {
    return "--list goes with plugin-test";
  }
  if (cmd.print && cmd.name != Command::Name::check) {
    return "--print goes with check";
  }
  if ((cmd.name == Command::Name::serve || cmd.name == Command::Name::check || cmd.name == Command::Name::ask) &&
      cmd.config.empty()) {
    return "--config FILE is required";
  }
  if (cmd.name == Command::Name::ask && cmd.text.empty() && cmd.listen.empty()) {
    return "ask needs the text to send (or --listen FILE)";
  }
  if ((!cmd.listen.empty() || !cmd.speak.empty()) && cmd.name != Command::Name::ask) {
    return "--listen and --speak go with ask";
  }
  if (!cmd.listen.empty() && !cmd.text.empty()) {
    return "ask takes TEXT or --listen FILE, not both";
  }
  if (cmd.repeat != 1 && cmd.name != Command::Name::ask) {
    return "--repeat goes with ask";
  }
  return cmd;
}

}  // namespace switchboard::app
