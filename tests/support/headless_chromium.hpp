// Debian's Chromium, headless, on a page a test wrote: the page reports by
// logging "RESULT <json>" to its console, which Chromium prints on stderr;
// the test waits for that line (an event, not a sleep), then stops it.
#pragma once

#include <csignal>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace switchboard::test {

class HeadlessChromium {
 public:
  static constexpr const char *kBinary = "/usr/bin/chromium";

  explicit HeadlessChromium(const std::string &url, const std::vector<std::string> &flags = {}) {
    static int made = 0;
    profile_ = std::filesystem::temp_directory_path() /
               ("sb-chromium-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
    std::vector<std::string> args = {"--headless=new",
                                     "--no-sandbox",  // tests may run as root
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-extensions",
                                     "--disable-background-networking",
                                     "--autoplay-policy=no-user-gesture-required",
                                     "--enable-logging=stderr",
                                     "--v=0",
                                     "--user-data-dir=" + profile_.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(url);
    process_ = std::make_unique<Process>(kBinary, args);
  }
  ~HeadlessChromium() {
    process_->signal(SIGTERM);
    if (process_->wait(std::chrono::seconds(10)) == -1) process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(10));
    std::error_code ignored;
    std::filesystem::remove_all(profile_, ignored);
  }
  HeadlessChromium(const HeadlessChromium &) = delete;
  HeadlessChromium &operator=(const HeadlessChromium &) = delete;

  static bool installed() { return ::access(kBinary, X_OK) == 0; }

  // What the page reported, or null when it reported nothing in time.
  nlohmann::json result(std::chrono::seconds limit = std::chrono::seconds(60)) {
    const std::string line = process_->wait_for("RESULT \\{.*\\}\", source", limit);
    static const std::regex json_re("RESULT (\\{.*\\})\", source");
    std::smatch m;
    if (!std::regex_search(line, m, json_re)) return nullptr;
    return nlohmann::json::parse(m[1].str(), nullptr, false);
  }
  // Waits for a line of Chromium's output matching `pattern`; "" at the limit.
  std::string wait_for(const std::string &pattern, std::chrono::seconds limit = std::chrono::seconds(30)) {
    return process_->wait_for(pattern, limit);
  }
  // Chromium's own log, for a failure's message.
  std::string log() { return process_->err(); }

 private:
  std::filesystem::path profile_;
  std::unique_ptr<Process> process_;
};

}  // namespace switchboard::test
