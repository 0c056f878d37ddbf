// An nginx of a test's own: a site (what goes in nginx's http block) served
// from a scratch folder, in the foreground, stopped with the test (its
// folder removed then).
#pragma once

#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "support/process.hpp"

namespace switchboard::test {

class NginxServer {
 public:
  NginxServer(const std::filesystem::path &dir, const std::string &site) : dir_(dir) {
    std::filesystem::create_directories(dir / "logs");
    std::ofstream(dir / "site.conf") << site;
    const std::string d = dir.string();
    std::ofstream(dir / "nginx.conf") << "pid " << d << "/nginx.pid;\nerror_log stderr notice;\n"
                                      << "events {}\nhttp {\n  access_log off;\n  client_body_temp_path " << d
                                      << "/body;\n  proxy_temp_path " << d << "/proxy;\n  include " << d
                                      << "/site.conf;\n}\n";
    process_ = std::make_unique<Process>(
        "/usr/sbin/nginx",
        std::vector<std::string>{"-p", d, "-c", d + "/nginx.conf", "-e", "stderr", "-g", "daemon off;"});
    ready_ = !process_->wait_for("start worker process").empty();
  }
  // Stops nginx, then removes its folder.
  ~NginxServer() {
    process_->signal(SIGTERM);
    process_->wait();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  NginxServer(const NginxServer &) = delete;
  NginxServer &operator=(const NginxServer &) = delete;

  bool ready() const noexcept { return ready_; }
  Process &process() { return *process_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Process> process_;
  bool ready_ = false;
};

// `text` with its one `from` replaced by `to`; a failure of the calling test
// when `from` is not there (a shipped file changed under its test).
std::string replaced(std::string text, const std::string &from, const std::string &to);

}  // namespace switchboard::test
