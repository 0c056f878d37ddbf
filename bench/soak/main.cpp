// soak: Switchboard under faults for a long time. It starts the local
// upstream (switchboard-upstream, a process of its own) and the switchboard
// binary with faults on every chain: providers that fail at once, that hang,
// whose streams break mid-way, an upstream whose streams stall and reset for
// a while, and the upstream itself killed and restarted during the run.
// Real-time voice sessions talk through it all the while. Then it reports,
// and exits 1 unless all of this holds:
//
//   every turn ended in an answer or one clear error (an interrupted turn
//   ends with its interrupt_ack; a session's last turn may be cut by the
//   run's end); no socket was dropped; no unexpected error;
//   the server's RSS over the last minute is within 5 % of its RSS over the
//   minute after warm-up (medians of samples every 2 s: users' sessions
//   come and go, and each churn makes a peak); its open file descriptors
//   and threads did not grow (their largest in each window);
//   the upstream's breaker closed again after the upstream came back, and
//   the upstream answered turns again.
//
//   soak [--seconds 600] [--sessions 200] [--warmup S] [--outage 10] [--threads 1]
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "conformance/voice_client.hpp"
#include "soak_sessions.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"
#include "support/served_binary.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/wav.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using switchboard::test::http_request;

struct Args {
  int seconds = 600;
  int sessions = 200;
  int warmup = -1;  // default: a quarter of the run, at most 60 s
  int outage = 10;
  int threads = 1;
};

const char *kReply = "It will be sunny.";
constexpr int kLoops = 3;                         // recordings a conversation
constexpr int kConversationSeconds = kLoops * 5;  // 2.9 s of speech and 2 s of silence, each
constexpr int kIdleSeconds = 5;                   // a closed conversation's session expires

// Faults on every chain; `cloud` is the upstream, killed during the run.
std::string config_text(int upstream_port) {
  const std::string heard =
      "config: {transcripts: [\"what is the weather like\"], final_delay_ms: 20, "
      "partial_every_ms: 100}";
  const std::string says = "config: {reply: \"" + std::string(kReply) + "\", first_token_ms: 20, token_ms: 5}";
  const std::string speaks = "config: {ms_per_char: 20, chunk_ms: 40}";
  return "log: {level: info}\n"
         "conversation: {cache_tts: false}\n"
         // Users come and go: a conversation's session ends soon after its
         // socket closes, as a short idle timeout ends it.
         "sessions: {idle_timeout_seconds: " +
         std::to_string(kIdleSeconds) +
         "}\n"
         "stt:\n"
         "  - {name: flaky-stt, plugin: stt-scripted, " +
         heard +
         ", fault: {error_rate: 0.2, seed: 3}}\n"
         "  - {name: cutting-stt, plugin: stt-scripted, " +
         heard +
         ", fault: {cut_after_chunks: 2}, "
         "circuit: {open_seconds: 3}}\n"
         "  - {name: stt, plugin: stt-scripted, " +
         heard +
         "}\n"
         "llm:\n"
         "  - {name: flaky-llm, plugin: llm-scripted, " +
         says +
         ", fault: {error_rate: 0.3, latency_ms: 20, seed: 5}}\n"
         "  - name: cloud\n"
         "    plugin: llm-openai\n"
         "    config: {base_url: \"http://127.0.0.1:" +
         std::to_string(upstream_port) +
         "/v1\", api_key: sk-test-key, model: gpt-4o-mini}\n"
         "    timeouts: {first_byte_ms: 1000, idle_ms: 1000, total_ms: 8000}\n"
         "    circuit: {open_seconds: 2, max_open_seconds: 8}\n"
         "    probe: {interval_seconds: 1, timeout_ms: 1000}\n"
         "  - {name: cutting-llm, plugin: llm-scripted, " +
         says +
         ", fault: {cut_after_chunks: 2}, "
         "circuit: {open_seconds: 3}}\n"
         "  - {name: backup-llm, plugin: llm-scripted, " +
         says +
         "}\n"
         "tts:\n"
         "  - {name: hanging-tts, plugin: tts-tone, " +
         speaks +
         ", fault: {hang: true}, "
         "timeouts: {first_byte_ms: 300, idle_ms: 300, total_ms: 5000}, circuit: {open_seconds: 5}}\n"
         "  - {name: flaky-tts, plugin: tts-tone, " +
         speaks +
         ", fault: {error_rate: 0.3, seed: 9}}\n"
         "  - {name: cutting-tts, plugin: tts-tone, " +
         speaks +
         ", fault: {cut_after_chunks: 3}, "
         "circuit: {open_seconds: 3}}\n"
         "  - {name: tts, plugin: tts-tone, " +
         speaks +
         "}\n"
         "transports:\n"
         "  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", config: {threads: 2, limits: "
         "{requests_per_minute: 0, messages_per_second: 0, max_connections_per_ip: 100000, max_sessions: 100000, "
         "max_sessions_per_subject: 100000}}}\n";
}

std::unique_ptr<switchboard::test::Process> start_upstream(int port) {
  auto p = std::make_unique<switchboard::test::Process>(
      SWITCHBOARD_UPSTREAM_BINARY,
      std::vector<std::string>{"--port", std::to_string(port), "--reply", kReply, "--until", "signal"});
  if (p->wait_for("listening on").empty()) throw std::runtime_error("the upstream did not start: " + p->err());
  return p;
}

// What the server holds: resident memory (MiB), file descriptors, threads.
struct Footprint {
  double rss_mib = 0;
  long fds = 0;
  long threads = 0;
};

Footprint footprint(pid_t pid) {
  Footprint f;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream status(proc + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) f.rss_mib = std::stod(line.substr(6)) / 1024;
    if (line.rfind("Threads:", 0) == 0) f.threads = std::stol(line.substr(8));
  }
  for ([[maybe_unused]] const auto &entry : std::filesystem::directory_iterator(proc + "/fd")) ++f.fds;
  return f;
}

// Over the samples taken from `from` to `to` seconds: the median RSS, and
// the most file descriptors and threads.
Footprint over(const std::vector<std::pair<double, Footprint>> &samples, double from, double to) {
  std::vector<double> rss;
  Footprint out;
  for (const auto &[when, f] : samples) {
    if (when < from || when > to) continue;
    rss.push_back(f.rss_mib);
    out.fds = std::max(out.fds, f.fds);
    out.threads = std::max(out.threads, f.threads);
  }
  if (rss.empty()) return out;
  std::sort(rss.begin(), rss.end());
  out.rss_mib = rss[rss.size() / 2];
  return out;
}

// Each provider's breaker state, "kind/name" -> state.
std::map<std::string, std::string> breakers(int port) {
  std::map<std::string, std::string> out;
  const auto view = http_request(port, "GET", "/providers").json();
  for (const char *kind : {"stt", "llm", "tts"}) {
    for (const auto &p : view["providers"][kind]["providers"]) {
      out[std::string(kind) + "/" + p.value("name", "?")] = p["circuit"].value("state", "?");
    }
  }
  return out;
}

// The users' calls a provider answered so far (its probes are not among them).
long successes(int port, const std::string &kind, const std::string &name) {
  const auto view = http_request(port, "GET", "/providers").json();
  for (const auto &p : view["providers"][kind]["providers"]) {
    if (p.value("name", "") == name) return p["stats"].value("successes", 0L);
  }
  return -1;
}

void inject(int upstream_port, const nlohmann::json &fault) {
  http_request(upstream_port, "POST", "/_upstream/faults", fault.dump(), {{"Content-Type", "application/json"}});
}

Args parse(int argc, char **argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help") {
      std::cout << "usage: soak [--seconds 600] [--sessions 200] [--warmup S] [--outage 10] [--threads 1]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::runtime_error(flag + " needs a value");
    const int value = std::stoi(argv[++i]);
    if (flag == "--seconds")
      a.seconds = value;
    else if (flag == "--sessions")
      a.sessions = value;
    else if (flag == "--warmup")
      a.warmup = value;
    else if (flag == "--outage")
      a.outage = value;
    else if (flag == "--threads")
      a.threads = value;
    else
      throw std::runtime_error("unknown option " + flag);
  }
  // Warm-up covers every user's start (spread over a conversation), two
  // conversations of each and the expiry of their sessions, so the server
  // holds what a steady flow of users makes it hold.
  if (a.warmup < 0) a.warmup = std::max(std::min(60, a.seconds / 4), 3 * kConversationSeconds + kIdleSeconds + 10);
  if (a.seconds < a.warmup + 2 * a.outage + 10) throw std::runtime_error("--seconds is too short for the schedule");
  return a;
}

int check(bool ok, const std::string &what) {
  std::printf("  %-4s %s\n", ok ? "ok" : "FAIL", what.c_str());
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char **argv) try {
  const Args args = parse(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  const int upstream_port = switchboard::test::unused_port();  // the upstream takes it, and takes it again
  auto upstream = start_upstream(upstream_port);
  switchboard::test::ServedBinary server(SWITCHBOARD_BINARY, config_text(upstream_port));
  if (!server.ready()) throw std::runtime_error("the server did not start: " + server.process().err());
  const pid_t pid = server.process().pid();
  const auto samples = switchboard::test::speech_samples("weather.wav");
  soak::Options options;
  options.port = server.port();
  options.sessions = args.sessions;
  options.threads = args.threads;
  options.loops_per_conversation = kLoops;
  options.pcm = switchboard::sdk::pcm_bytes(samples.data(), samples.size()) + std::string(16000 * 2 * 2, '\0');

  const auto start = Clock::now();
  auto at = [&](int second) { std::this_thread::sleep_until(start + std::chrono::seconds(second)); };
  std::atomic<bool> stop{false};
  soak::Result result;
  std::thread sessions([&] { result = soak::run_sessions(options, stop); });
  // What the server holds, every 2 s.
  std::vector<std::pair<double, Footprint>> held;  // seconds since the start
  std::mutex series_mutex;
  std::condition_variable series_stop;
  std::thread sampler([&] {
    std::unique_lock lock(series_mutex);
    do {
      held.emplace_back(std::chrono::duration<double>(Clock::now() - start).count(), footprint(pid));
    } while (!series_stop.wait_for(lock, std::chrono::seconds(2), [&] { return stop.load(); }));
  });

  // The schedule: warm-up; the upstream's streams stall and reset for a
  // while; the upstream is killed, stays down for the outage, comes back.
  at(args.warmup);
  inject(upstream_port, {{"route", "chat"}, {"kind", "stall"}, {"after_chunks", 2}, {"count", 30}});
  inject(upstream_port, {{"route", "chat"}, {"kind", "reset"}, {"after_chunks", 3}, {"count", 30}});
  const int kill_at = args.warmup + (args.seconds - args.warmup) / 3;
  at(kill_at);
  upstream->signal(SIGKILL);
  upstream->wait();
  at(kill_at + args.outage);
  upstream = start_upstream(upstream_port);
  const int restarted_at = kill_at + args.outage;
  const long cloud_answers_before = successes(server.port(), "llm", "cloud");
  at(args.seconds);
  const auto states = breakers(server.port());
  const long answered_after_restart = successes(server.port(), "llm", "cloud") - cloud_answers_before;
  {
    std::lock_guard lock(series_mutex);
    stop = true;
  }
  series_stop.notify_all();
  sessions.join();
  sampler.join();
  const Footprint closed = footprint(pid);

  const auto &t = result.total;
  std::printf(
      "soak: %d sessions for %d s (warm-up %d s; upstream stalling and resetting from %d s, killed at %d s, "
      "back at %d s)\n",
      args.sessions, args.seconds, args.warmup, args.warmup, kill_at, restarted_at);
  std::printf("  %ld conversations (%d s each)\n", result.conversations,
              options.loops_per_conversation * static_cast<int>(options.pcm.size() / 32000));
  std::printf(
      "  turns %ld: answered %ld, llm_failed %ld, interrupted %ld; stt_failed %ld, tts_failed %ld, other "
      "errors %ld; frames %ld\n",
      t.user_finals, t.answers, t.llm_failed, t.interrupted, t.stt_failed, t.tts_failed, t.other_errors, t.frames_sent);
  const double window = std::min(60, (args.seconds - args.warmup) / 3);
  const Footprint warm = over(held, args.warmup, args.warmup + window);
  const Footprint end = over(held, args.seconds - window, args.seconds);
  std::printf("  server, %.0f s after warm-up: rss %.1f MiB, %ld fds, %ld threads\n", window, warm.rss_mib, warm.fds,
              warm.threads);
  std::printf("  server, last %.0f s:          rss %.1f MiB (%+.1f %%), %ld fds, %ld threads\n", window, end.rss_mib,
              100 * (end.rss_mib - warm.rss_mib) / warm.rss_mib, end.fds, end.threads);
  std::printf("  server rss every 2 s (MiB):");
  for (const auto &[when, f] : held) std::printf(" %.0f", f.rss_mib);
  std::printf("\n");
  std::printf("  server, sessions closed: rss %.1f MiB, %ld fds, %ld threads\n", closed.rss_mib, closed.fds,
              closed.threads);
  std::printf("  breakers at the end:");
  for (const auto &[name, state] : states) std::printf(" %s=%s", name.c_str(), state.c_str());
  std::printf("\n  the restarted upstream answered %ld turns\n", answered_after_restart);

  int failures = 0;
  failures += check(result.connected == args.sessions, std::to_string(result.connected) + " of " +
                                                           std::to_string(args.sessions) +
                                                           " users connected every conversation");
  failures += check(result.dropped == 0, std::to_string(result.dropped) + " sockets dropped by the server");
  failures += check(t.user_finals > 0 && t.answers > 0, "turns were heard and answered");
  failures += check(result.with_unended_turns == 0 && t.unended() <= args.sessions,
                    std::to_string(t.unended()) + " turns without an answer or an error, at most one a session (" +
                        std::to_string(result.with_unended_turns) + " sessions had more)");
  failures += check(t.other_errors == 0, std::to_string(t.other_errors) + " unexpected errors");
  failures += check(end.rss_mib <= warm.rss_mib * 1.05, "RSS over the last window within 5 % of the first's");
  failures += check(end.fds <= warm.fds + 4, "open file descriptors did not grow (a few upstream connections may)");
  failures += check(end.threads <= warm.threads, "threads did not grow");
  failures += check(states.count("llm/cloud") != 0 && states.at("llm/cloud") == "closed",
                    "the upstream's breaker closed again after it came back");
  failures += check(answered_after_restart > 0, "the restarted upstream answered turns");
  upstream->signal(SIGTERM);
  upstream->wait();
  std::printf("%s\n", failures == 0 ? "soak: passed" : "soak: FAILED");
  return failures == 0 ? 0 : 1;
} catch (const std::exception &e) {
  std::cerr << "soak: " << e.what() << "\n";
  return 2;
}
