#include "plugin_test/runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>

#include <nlohmann/json.hpp>

#include "plugin/loaded_plugin.hpp"
#include "plugin_test/kit_instance.hpp"

namespace switchboard::plugin_test {
namespace {

// In a check's process: where note_progress() writes.
int progress_fd = -1;

struct Child {
  std::string result;   // what the child wrote on its result pipe
  std::string stderr_;  // the tail of what it wrote on stderr
  int status = 0;       // waitpid's
  bool timed_out = false;
};

void write_all(int fd, const std::string &text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto n = ::write(fd, text.data() + at, text.size() - at);
    if (n <= 0) return;
    at += static_cast<std::size_t>(n);
  }
}

// One check's process while it runs.
struct Running {
  std::size_t index = 0;
  pid_t pid = -1;
  int result_fd = -1, err_fd = -1, progress_fd = -1;
  std::chrono::steady_clock::time_point started, deadline;  // deadline: the last progress + the limit
  Child child;
};

// Forks a child that runs body() and writes its returned text as the result.
// The parent is single-threaded: the child may run anything.
Running spawn(std::size_t index, std::chrono::milliseconds limit, const std::function<std::string()> &body) {
  Running r;
  r.index = index;
  int result[2], err[2], progress[2];
  if (::pipe2(result, O_CLOEXEC) != 0) return r;
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(result[0]);
    ::close(result[1]);
    return r;
  }
  if (::pipe2(progress, O_CLOEXEC | O_NONBLOCK) != 0) {
    for (int fd : {result[0], result[1], err[0], err[1]}) ::close(fd);
    return r;
  }
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(result[0]);
    ::close(err[0]);
    ::close(progress[0]);
    progress_fd = progress[1];
    ::dup2(err[1], STDERR_FILENO);
    ::dup2(err[1], STDOUT_FILENO);
    std::string text;
    try {
      text = body();
    } catch (const std::exception &e) {
      text = nlohmann::json{{"outcome", "fail"}, {"detail", std::string("the kit: ") + e.what()}}.dump();
    }
    write_all(result[1], text);
    std::fflush(nullptr);
    ::_exit(0);  // the plugin's threads and statics are not the kit's to wait for
  }
  ::close(result[1]);
  ::close(err[1]);
  ::close(progress[1]);
  r.pid = pid;
  r.result_fd = result[0];
  r.err_fd = err[0];
  r.progress_fd = progress[0];
  r.started = std::chrono::steady_clock::now();
  r.deadline = r.started + limit;
  return r;
}

// Runs every body, at most `jobs` at once; the children in index order.
std::vector<Child> run_all(const std::vector<std::function<std::string()>> &bodies, unsigned jobs,
                           std::chrono::milliseconds limit, std::vector<double> *seconds = nullptr) {
  std::vector<Child> done(bodies.size());
  if (seconds != nullptr) seconds->assign(bodies.size(), 0);
  std::vector<Running> running;
  std::size_t next = 0;
  char buffer[4096];
  while (next < bodies.size() || !running.empty()) {
    while (next < bodies.size() && running.size() < std::max(1u, jobs)) {
      running.push_back(spawn(next, limit, bodies[next]));
      ++next;
    }
    std::vector<pollfd> fds;
    auto soonest = std::chrono::steady_clock::time_point::max();
    for (const Running &r : running) {
      fds.push_back({r.result_fd, POLLIN, 0});
      fds.push_back({r.err_fd, POLLIN, 0});
      fds.push_back({r.progress_fd, POLLIN, 0});
      soonest = std::min(soonest, r.deadline);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(soonest - std::chrono::steady_clock::now());
    ::poll(fds.data(), fds.size(), static_cast<int>(std::max<std::int64_t>(0, wait.count())));
    for (std::size_t i = 0; i < running.size(); ++i) {
      Running &r = running[i];
      if (r.progress_fd >= 0 && (fds[3 * i + 2].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        const auto n = ::read(r.progress_fd, buffer, sizeof buffer);
        if (n > 0) {
          r.deadline = std::chrono::steady_clock::now() + limit;
        } else {
          ::close(r.progress_fd);
          r.progress_fd = -1;
        }
      }
      for (int which = 0; which < 2; ++which) {
        int &fd = which == 0 ? r.result_fd : r.err_fd;
        if (fd < 0 || (fds[3 * i + static_cast<std::size_t>(which)].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
          continue;
        }
        const auto n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
          ::close(fd);
          fd = -1;
          continue;
        }
        std::string &to = which == 0 ? r.child.result : r.child.stderr_;
        to.append(buffer, static_cast<std::size_t>(n));
        if (which == 1 && to.size() > 8192) to.erase(0, to.size() - 4096);
      }
    }
    const auto now = std::chrono::steady_clock::now();
    for (auto it = running.begin(); it != running.end();) {
      Running &r = *it;
      const bool finished = r.result_fd < 0 && r.err_fd < 0;
      if (!finished && now < r.deadline && r.pid > 0) {
        ++it;
        continue;
      }
      if (!finished && r.pid > 0) {
        r.child.timed_out = true;
        ::kill(r.pid, SIGKILL);
      }
      for (int fd : {r.result_fd, r.err_fd, r.progress_fd}) {
        if (fd >= 0) ::close(fd);
      }
      if (r.pid > 0) ::waitpid(r.pid, &r.child.status, 0);
      if (seconds != nullptr) (*seconds)[r.index] = std::chrono::duration<double>(now - r.started).count();
      done[r.index] = std::move(r.child);
      it = running.erase(it);
    }
  }
  return done;
}

std::string last_line(const std::string &text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

std::string seconds_text(std::chrono::milliseconds limit) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(limit.count()) / 1000);
  return text;
}

Verdict verdict_of(const Child &child, std::chrono::milliseconds limit) {
  if (child.timed_out) {
    return fail("did not finish: no progress for " + seconds_text(limit) + " (a call, stop or destroy hung)");
  }
  if (WIFSIGNALED(child.status)) {
    std::string detail = std::string("crashed: ") + ::strsignal(WTERMSIG(child.status));
    if (const std::string said = last_line(child.stderr_); !said.empty()) detail += " (" + said + ")";
    return fail(detail);
  }
  const auto json = nlohmann::json::parse(child.result, nullptr, false);
  if (!json.is_object()) {
    return fail("the check's process exited (status " + std::to_string(WEXITSTATUS(child.status)) +
                ") without a verdict" + (child.stderr_.empty() ? "" : ": " + last_line(child.stderr_)));
  }
  const std::string outcome = json.value("outcome", "fail");
  const std::string detail = json.value("detail", "");
  return outcome == "pass" ? pass(detail) : outcome == "skip" ? skip(detail) : fail(detail);
}

std::string outcome_name(Outcome o) {
  return o == Outcome::pass ? "pass" : o == Outcome::skip ? "skip" : "fail";
}

}  // namespace

void note_progress() {
  if (progress_fd < 0) return;
  const char moved = '.';
  // Non-blocking: a full pipe already says the check moves.
  [[maybe_unused]] const auto n = ::write(progress_fd, &moved, 1);
}

int Report::count(Outcome o) const {
  return static_cast<int>(
      std::count_if(results.begin(), results.end(), [o](const Result &r) { return r.verdict.outcome == o; }));
}

Report run_checks(Subject subject, const RunOptions &options) {
  Report report;
  report.instance = subject.instance_name;
  // What the plugin is, read in a child too: loading runs its code.
  const Child info =
      run_all({[&] {
                std::string error;
                const auto plugin = load_plugin(subject, error);
                if (!plugin) return nlohmann::json{{"error", error}}.dump();
                const auto &i = plugin->info();
                return nlohmann::json{{"id", i.id},
                                      {"kind", static_cast<int>(i.kind)},
                                      {"version", i.version},
                                      {"abi", std::to_string(i.abi_major) + "." + std::to_string(i.abi_minor)}}
                    .dump();
              }},
              1, options.check_limit)
          .front();
  const auto json = nlohmann::json::parse(info.result, nullptr, false);
  if (!json.is_object() || json.contains("error")) {
    Check descriptor = checks_for(SB_KIND_LLM).front();
    const std::string why = json.is_object() ? json.value("error", "") : verdict_of(info, options.check_limit).detail;
    report.results.push_back({descriptor, fail("the host's loader refuses it: " + why), 0});
    return report;
  }
  subject.kind = static_cast<sb_plugin_kind>(json.value("kind", 0));
  report.id = json.value("id", "");
  report.kind = plugin::kind_name(subject.kind);
  report.version = json.value("version", "");
  report.abi = json.value("abi", "");
  if (report.instance.empty()) report.instance = report.id;
  subject.instance_name = report.instance;

  std::vector<Check> chosen;
  for (const Check &check : checks_for(subject.kind)) {
    if (options.only.empty() || std::find(options.only.begin(), options.only.end(), check.name) != options.only.end()) {
      chosen.push_back(check);
    }
  }
  std::vector<std::function<std::string()>> bodies;
  for (const Check &check : chosen) {
    bodies.push_back([&subject, check] {
      Verdict v = check.run(subject);
      if (const auto escaped = escaped_exceptions(); !escaped.empty() && v.outcome != Outcome::fail) {
        v = fail(escaped.front());
      }
      return nlohmann::json{{"outcome", outcome_name(v.outcome)}, {"detail", v.detail}}.dump();
    });
  }
  std::vector<double> seconds;
  const std::vector<Child> children = run_all(bodies, options.jobs, options.check_limit, &seconds);
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    report.results.push_back({chosen[i], verdict_of(children[i], options.check_limit), seconds[i]});
  }
  return report;
}

std::string as_text(const Report &report) {
  std::string out = "plugin-test: ";
  out += report.id.empty() ? "(not loaded)"
                           : report.id + " " + report.version + " (" + report.kind + ", ABI " + report.abi +
                                 "), instance '" + report.instance + "'";
  out += "\n";
  for (const Result &r : report.results) {
    char line[160];
    const std::string clause = std::string(r.check.header) + ":" + std::to_string(r.check.line);
    std::snprintf(line, sizeof line, "  %-4s  %-24s %-15s ",
                  r.verdict.outcome == Outcome::fail ? "FAIL" : outcome_name(r.verdict.outcome).c_str(), r.check.name,
                  clause.c_str());
    out += line + r.verdict.detail + "\n";
  }
  out += std::to_string(report.results.size()) + " checks: " + std::to_string(report.count(Outcome::pass)) +
         " passed, " + std::to_string(report.count(Outcome::fail)) + " failed, " +
         std::to_string(report.count(Outcome::skip)) + " skipped\n";
  return out;
}

std::string as_json(const Report &report) {
  nlohmann::json checks = nlohmann::json::array();
  for (const Result &r : report.results) {
    checks.push_back({{"name", r.check.name},
                      {"outcome", outcome_name(r.verdict.outcome)},
                      {"detail", r.verdict.detail},
                      {"clause", std::string(r.check.header) + ":" + std::to_string(r.check.line)},
                      {"quote", r.check.quote},
                      {"seconds", r.seconds}});
  }
  return nlohmann::json{{"plugin",
                         {{"id", report.id},
                          {"kind", report.kind},
                          {"version", report.version},
                          {"abi", report.abi},
                          {"instance", report.instance}}},
                        {"checks", checks},
                        {"passed", report.count(Outcome::pass)},
                        {"failed", report.count(Outcome::fail)},
                        {"skipped", report.count(Outcome::skip)}}
             .dump(2) +
         "\n";
}

}  // namespace switchboard::plugin_test
