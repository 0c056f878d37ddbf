#include "app/cli.hpp"

namespace switchboard::app {

std::string usage() {
  return "usage:\n"
         "  switchboard --config FILE             run the host (also: serve --config FILE)\n"
         "  switchboard check --config FILE       validate the config and load every plugin\n"
         "                     [--print]          and print the effective config, secrets hidden\n"
         "  switchboard plugins [--config FILE]   list the plugins found and those refused\n"
         "  switchboard --version\n"
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
    if (arg == "--config" || arg == "-c" || arg == "--log-level") {
      if (i + 1 >= args.size()) {
        return arg + " needs a value";
      }
      (arg == "--log-level" ? cmd.log_level : cmd.config) = args[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      cmd.config = arg.substr(9);
    } else if (arg == "--print") {
      cmd.print = true;
    } else if (arg == "--version" || arg == "-V" || arg == "version") {
      cmd.name = Command::Name::version;
      named = true;
    } else if (arg == "--help" || arg == "-h" || arg == "help") {
      cmd.name = Command::Name::help;
      named = true;
    } else if (!named && (arg == "serve" || arg == "check" || arg == "plugins")) {
      cmd.name = arg == "serve" ? Command::Name::serve : arg == "check" ? Command::Name::check : Command::Name::plugins;
      named = true;
    } else {
      return "unexpected argument '" + arg + "'";
    }
  }
  if (cmd.print && cmd.name != Command::Name::check) {
    return "--print goes with check";
  }
  if ((cmd.name == Command::Name::serve || cmd.name == Command::Name::check) && cmd.config.empty()) {
    return "--config FILE is required";
  }
  return cmd;
}

}  // namespace switchboard::app
