// The real switchboard binary serving a config whose transport listens on
// 127.0.0.1 port 0: written to a folder of its own, started, its port read
// from its log (an event, not a sleep), stopped with SIGTERM.
#pragma once

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include <unistd.h>

#include "support/process.hpp"

namespace switchboard::test {

class ServedBinary {
 public:
  ServedBinary(const std::string &binary, const std::string &config_text,
               const std::map<std::string, std::string> &env = {}) {
    static int made = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("sb-served-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    std::filesystem::create_directories(dir_);
    config_ = dir_ / "switchboard.yaml";
    std::ofstream(config_) << config_text;
    process_ = std::make_unique<Process>(binary, std::vector<std::string>{"--config", config_.string()}, env);
    const auto line = process_->wait_for("listening on 127\\.0\\.0\\.1:[0-9]+");
    std::smatch m;
    static const std::regex port_re(":([0-9]+)$");
    if (std::regex_search(line, m, port_re)) port_ = std::stoi(m[1]);
    ready_ = port_ > 0 && !process_->wait_for("switchboard ready").empty();
  }
  ~ServedBinary() {
    process_->signal(SIGTERM);
    process_->wait();
    std::filesystem::remove_all(dir_);
  }
  ServedBinary(const ServedBinary &) = delete;
  ServedBinary &operator=(const ServedBinary &) = delete;

  int port() const noexcept { return port_; }
  // The port the transport named `name` listens on (its log line).
  int port_of(const std::string &name) {
    const std::regex line_re("transport '" + name + "' listening on 127\\.0\\.0\\.1:([0-9]+)");
    std::smatch m;
    for (const std::string &log : {process_->err(), process_->out()}) {
      if (std::regex_search(log, m, line_re)) return std::stoi(m[1]);
    }
    return 0;
  }
  bool ready() const noexcept { return ready_; }
  Process &process() { return *process_; }
  const std::filesystem::path &config() const noexcept { return config_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path config_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
  bool ready_ = false;
};

}  // namespace switchboard::test
