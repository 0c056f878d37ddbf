// switchboard: the host executable.
#include <iostream>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/commands.hpp"

int main(int argc, char **argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = switchboard::app::parse_cli(args);
  if (auto *error = std::get_if<std::string>(&parsed)) {
    std::cerr << "switchboard: " << *error << "\n" << switchboard::app::usage();
    return 2;
  }
  try {
    return switchboard::app::run_command(std::get<switchboard::app::Command>(parsed), std::cout, std::cerr);
  } catch (const std::exception &e) {
    std::cerr << "switchboard: " << e.what() << "\n";
    return 1;
  }
}
