// loadgen: the real-time load generator for the Voice Assistant API. By
// default it starts the switchboard binary (scripted providers with fixed
// delays, transport-voice-api on 127.0.0.1:0) for each level; with --url it
// drives a server already running that speaks the API (another
// implementation, side by side with ours). It measures:
//
//   voice:  N WebSocket sessions, each streaming a recording in real time:
//           per-frame ingest latency (frame sent -> the server's
//           acknowledgement, sampled: one frame in --ack-every is numbered;
//           JSON frames only), turn latency (the server's end-of-speech ->
//           first audio) and what it adds over the providers' fixed delays,
//           dropped frames, server CPU and memory;
//   health: GET /health over kept-alive connections: requests per second;
//   poppins: the Poppins API's POST /chat/text/stream (transport-poppins,
//           or --url http://HOST:PORT): concurrent clients each reading
//           the SSE answer to its end, again and again: requests per
//           second, time to the first event, server CPU per request.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "http_load.hpp"
#include "sse_load.hpp"
#include "stats.hpp"
#include "support/served_binary.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/wav.hpp"
#include "voice_load.hpp"

namespace {

constexpr const char *kUsage = R"(usage: loadgen [options]
  --url ws://HOST:PORT   drive this running server instead of starting our own
  --pid N                with --url: the server's process, for its CPU and memory
  --sessions 200,400     session counts to sweep (default 200,400,600,800,1000)
  --seconds 15           per level
  --turn-sessions 100    the turn-latency level run first
  --connections 64       for GET /health
  --health-seconds 5
  --only voice|health|poppins   (poppins: only when asked for)
  --clients 1,16,64      with --only poppins: concurrent streaming clients to sweep
  --ack-every 5          JSON frames: one in this many is numbered and acknowledged
  --binary               PCM in binary WebSocket frames (no acknowledgements: no ingest latency)
  --webm                 WebM/Opus in binary chunks, as a browser's MediaRecorder sends it
  --chunk-ms 200         with --webm: one chunk every this many ms (MediaRecorder's timeslice)
  --threads 2            the generator's threads for voice sessions (default: the machine's cores)
  --help                 this, and nothing run
Every level reports the machine's cores and whether client and server share them.
)";

constexpr int kSttFinalMs = 20;
constexpr int kLlmFirstTokenMs = 30;
constexpr int kTtsFirstChunkMs = 15;
constexpr double kFixedMs = kSttFinalMs + kLlmFirstTokenMs + kTtsFirstChunkMs;

std::string config_text() {
  std::ostringstream c;
  c << "log: {level: info}\n"
    << "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"what is the weather like\"], "
       "final_delay_ms: "
    << kSttFinalMs << "}}\n"
    << "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"It will be sunny.\", first_token_ms: "
    << kLlmFirstTokenMs << "}}\n"
    << "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 20, first_chunk_ms: " << kTtsFirstChunkMs
    << "}}\n"
    << "conversation: {cache_tts: false}\n"
    << "transports:\n  - {name: voice-api, plugin: transport-voice-api, listen: \"127.0.0.1:0\", config: {threads: 2, "
       "limits: {requests_per_minute: 0, messages_per_second: 0, max_connections: 100000, max_sessions: 100000, "
       "max_connections_per_ip: 100000}}}\n";
  return c.str();
}

// The Poppins API on the same scripted providers (its answer streams one
// word every 2 ms after the first token).
std::string poppins_config_text() {
  std::ostringstream c;
  c << "log: {level: info}\n"
    << "llm:\n  - {name: scripted, plugin: llm-scripted, config: {reply: \"Try a warm bath, a feed and a quiet "
       "room.\", first_token_ms: "
    << kLlmFirstTokenMs << ", token_ms: 2}}\n"
    << "transports:\n  - {name: poppins, plugin: transport-poppins, listen: \"127.0.0.1:0\", config: {threads: 2, "
       "limits: {requests_per_minute: 0, max_connections_per_ip: 100000}}}\n";
  return c.str();
}

using Server = switchboard::test::ServedBinary;

// A recording as PCM16 bytes, then 1.5 s of silence.
std::string read_pcm(const std::string &name) {
  const auto samples = switchboard::test::speech_samples(name);
  return switchboard::sdk::pcm_bytes(samples.data(), samples.size()) + std::string(16000 * 2 * 3 / 2, '\0');
}

constexpr std::chrono::seconds kAfterClientsLeft{3};

struct Level {
  int sessions;
  loadgen::VoiceResult r;
  double cpu_percent;
  double rss_mib;
  double peak_mib;
  double after_mib;              // RSS kAfterClientsLeft after the last client closed
  double generator_cpu_percent;  // this process's own CPU over the level, in % of one core
  // Every session connected, nothing dropped, frames taken in within 20 ms
  // (p99), and sent on time: a generator more than 20 ms late (p99) no
  // longer offers real-time load, whatever the server does with it. Binary
  // frames carry no number, so no ingest latency: for them the server's
  // own latency is what it adds to a turn over its providers' delays, held
  // to the same 20 ms (p99).
  bool real_time() const {
    const bool ingest_on_time =
        r.ingest_ms.empty() ? loadgen::percentile(added_ms(), 0.99) < 20 : loadgen::percentile(r.ingest_ms, 0.99) < 20;
    return r.sessions_connected == sessions && ingest_on_time && r.frames_dropped == 0 &&
           loadgen::percentile(r.lag_ms, 0.99) < 20;
  }
  // What the server added to each turn over its providers' fixed delays.
  std::vector<double> added_ms() const {
    std::vector<double> added;
    for (double t : r.turn_ms) added.push_back(t - kFixedMs);
    return added;
  }
};

struct Run {
  std::string host;  // empty: start our own server per level
  int port = 0;
  pid_t pid = 0;  // an external server's process, when given
  loadgen::Send send = loadgen::Send::json;
  std::vector<std::string> chunks;
  int chunk_ms = 200;
  int ack_every = 5;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

Level voice_level(const Run &run, int sessions, int seconds, const std::string &pcm) {
  std::unique_ptr<Server> own;
  loadgen::VoiceOptions o;
  if (run.host.empty()) {
    own = std::make_unique<Server>(SWITCHBOARD_BINARY, config_text());
    if (!own->ready()) throw std::runtime_error("the server did not start: " + own->process().err());
    o.port = own->port();
  } else {
    o.host = run.host;
    o.port = run.port;
  }
  o.sessions = sessions;
  o.duration = std::chrono::seconds(seconds);
  o.pcm = pcm;
  o.ack_every = run.ack_every;
  o.threads = run.threads;
  o.send = run.send;
  o.chunks = run.chunks;
  o.chunk_ms = run.chunk_ms;
  const pid_t pid = own ? own->process().pid() : run.pid;
  const double cpu_before = pid > 0 ? loadgen::cpu_seconds(pid) : 0;
  const double own_before = loadgen::cpu_seconds(getpid());
  const auto start = std::chrono::steady_clock::now();
  Level level{sessions, loadgen::run_voice(o), -1, -1, -1, -1, -1};
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  level.generator_cpu_percent = 100 * (loadgen::cpu_seconds(getpid()) - own_before) / wall;
  if (pid > 0) {
    level.cpu_percent = 100 * (loadgen::cpu_seconds(pid) - cpu_before) / wall;
    std::tie(level.rss_mib, level.peak_mib) = loadgen::rss_mib(pid);
    // What the server gives back once its clients are gone (its sessions
    // live on, for a reconnect, until their idle timeout).
    std::this_thread::sleep_for(kAfterClientsLeft);
    level.after_mib = loadgen::rss_mib(pid).first;
  }
  return level;
}

void print(const Level &l) {
  using loadgen::percentile;
  const std::vector<double> added = l.added_ms();
  char ingest[96] = "ingest n/a (unnumbered frames)";
  if (!l.r.ingest_ms.empty()) {
    std::snprintf(ingest, sizeof ingest, "ingest p50 %6.2f p99 %7.2f max %8.2f ms", percentile(l.r.ingest_ms, 0.5),
                  percentile(l.r.ingest_ms, 0.99), percentile(l.r.ingest_ms, 1.0));
  }
  char server[128] = "server cpu n/a (no --pid)";
  if (l.cpu_percent >= 0) {
    std::snprintf(server, sizeof server, "server cpu %5.1f%%  rss %6.1f MiB (peak %6.1f, %lld s after %6.1f)",
                  l.cpu_percent, l.rss_mib, l.peak_mib, static_cast<long long>(kAfterClientsLeft.count()), l.after_mib);
  }
  std::printf(
      "sessions %5d (connected %5d)  frames %8ld  %s  dropped %ld  client lag p99 %6.2f ms  turns %5zu  "
      "turn p50 %6.1f p99 %6.1f ms (added p50 %5.2f p99 %5.2f)  errors %ld  %s  generator cpu %5.1f%%  %s\n",
      l.sessions, l.r.sessions_connected, l.r.frames_sent, ingest, l.r.frames_dropped, percentile(l.r.lag_ms, 0.99),
      l.r.turn_ms.size(), percentile(l.r.turn_ms, 0.5), percentile(l.r.turn_ms, 0.99), percentile(added, 0.5),
      percentile(added, 0.99), l.r.errors, server, l.generator_cpu_percent,
      l.real_time() ? "real time" : "NOT real time");
  std::fflush(stdout);
}

std::vector<int> list_of(const std::string &text) {
  std::vector<int> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

// "ws://host:port" (or http://) → host and port; false when it is not one.
bool parse_url(const std::string &url, std::string &host, int &port) {
  const auto scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  try {
    port = std::stoi(rest.substr(colon + 1));
  } catch (const std::exception &) {
    return false;
  }
  return port > 0 && port < 65536;
}

// The WebM recording in pieces of chunk_ms of its duration.
std::vector<std::string> webm_chunks(int chunk_ms) {
  const auto bytes = switchboard::test::speech_bytes("formats/hello.webm");
  const double ms = 1000.0 * static_cast<double>(switchboard::test::speech_samples("hello.wav").size()) / 16000.0;
  const auto piece =
      std::max<std::size_t>(1, static_cast<std::size_t>(static_cast<double>(bytes.size()) * chunk_ms / ms));
  std::vector<std::string> out;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    out.emplace_back(reinterpret_cast<const char *>(bytes.data()) + at, std::min(piece, bytes.size() - at));
  }
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<int> sweep = {200, 400, 600, 800, 1000};
  std::vector<int> clients = {1, 16, 64};
  int seconds = 15;
  int turn_sessions = 100;
  int connections = 64;
  int health_seconds = 5;
  std::string only;
  Run run;
  bool webm = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (flag == "--binary") {
      run.send = loadgen::Send::binary;
      continue;
    }
    if (flag == "--webm") {
      webm = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << flag << " needs a value\n" << kUsage;
      return 2;
    }
    const std::string value = argv[++i];
    try {
      if (flag == "--sessions")
        sweep = list_of(value);
      else if (flag == "--clients")
        clients = list_of(value);
      else if (flag == "--seconds")
        seconds = std::stoi(value);
      else if (flag == "--turn-sessions")
        turn_sessions = std::stoi(value);
      else if (flag == "--connections")
        connections = std::stoi(value);
      else if (flag == "--health-seconds")
        health_seconds = std::stoi(value);
      else if (flag == "--only")
        only = value;
      else if (flag == "--ack-every")
        run.ack_every = std::stoi(value);
      else if (flag == "--threads")
        run.threads = std::max(1, std::stoi(value));
      else if (flag == "--chunk-ms")
        run.chunk_ms = std::stoi(value);
      else if (flag == "--pid")
        run.pid = std::stoi(value);
      else if (flag == "--url") {
        if (!parse_url(value, run.host, run.port)) {
          std::cerr << "--url wants ws://HOST:PORT, not " << value << "\n";
          return 2;
        }
      } else {
        std::cerr << "unknown option " << flag << "\n" << kUsage;
        return 2;
      }
    } catch (const std::exception &) {
      std::cerr << flag << ": not a number: " << value << "\n";
      return 2;
    }
  }
  // Sockets: two per session on this machine (client and server ends).
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  if (webm) {
    run.send = loadgen::Send::chunks;
    run.chunks = webm_chunks(run.chunk_ms);
  }
  const bool external = !run.host.empty();
  std::printf("machine: %u cores; %s\n", std::thread::hardware_concurrency(),
              external ? "the server runs elsewhere or was started by hand (its CPU shown only with --pid)"
                       : "client and server share them");

  if (only.empty() || only == "health") {
    std::unique_ptr<Server> own;
    std::string host = run.host;
    int port = run.port;
    if (!external) {
      own = std::make_unique<Server>(SWITCHBOARD_BINARY, config_text());
      if (!own->ready()) throw std::runtime_error("the server did not start: " + own->process().err());
      host = "127.0.0.1";
      port = own->port();
    }
    const auto r = loadgen::run_http(host, port, "/health", connections, std::chrono::seconds(health_seconds));
    std::printf("health: %d connections, %ld requests in %.1f s: %.0f requests/s, p50 %.2f p99 %.2f ms, %ld failed\n",
                connections, r.requests, r.seconds, static_cast<double>(r.requests) / r.seconds,
                loadgen::percentile(r.latency_ms, 0.5), loadgen::percentile(r.latency_ms, 0.99), r.failures);
    std::fflush(stdout);
  }
  if (only == "poppins") {
    std::unique_ptr<Server> own;
    std::string host = run.host;
    int port = run.port;
    pid_t pid = run.pid;
    if (!external) {
      own = std::make_unique<Server>(SWITCHBOARD_BINARY, poppins_config_text());
      if (!own->ready()) throw std::runtime_error("the server did not start: " + own->process().err());
      host = "127.0.0.1";
      port = own->port();
      pid = own->process().pid();
    }
    std::printf("poppins: POST /chat/text/stream, each client its own session (our server's llm: first token %d ms)\n",
                kLlmFirstTokenMs);
    for (const int n : clients) {
      const double cpu_before = pid > 0 ? loadgen::cpu_seconds(pid) : 0;
      const auto r = loadgen::run_sse(host, port, "/chat/text/stream",
                                      "{\"message\":\"My baby will not sleep\",\"session_id\":\"{session}\"}", n,
                                      std::chrono::seconds(seconds));
      char cpu[64] = "server cpu n/a (no --pid)";
      if (pid > 0 && r.requests > 0) {
        std::snprintf(cpu, sizeof cpu, "server cpu %.2f ms/request",
                      1000 * (loadgen::cpu_seconds(pid) - cpu_before) / static_cast<double>(r.requests));
      }
      std::printf(
          "  %4d clients: %ld streams in %.1f s: %.0f/s, first event p50 %.1f p99 %.1f ms, whole p50 %.1f ms, "
          "%s, %ld failed\n",
          n, r.requests, r.seconds, static_cast<double>(r.requests) / r.seconds,
          loadgen::percentile(r.first_event_ms, 0.5), loadgen::percentile(r.first_event_ms, 0.99),
          loadgen::percentile(r.complete_ms, 0.5), cpu, r.failures);
      std::fflush(stdout);
    }
    return 0;
  }
  if (only.empty() || only == "voice") {
    const std::string pcm = read_pcm(webm ? "hello.wav" : "crying.wav");
    const char *how = run.send == loadgen::Send::json     ? "JSON frames of 20 ms"
                      : run.send == loadgen::Send::binary ? "binary PCM frames of 20 ms"
                                                          : "WebM/Opus chunks";
    std::printf("voice: %s; turn latency at %d sessions (our server's providers: stt %d + llm %d + tts %d ms)\n", how,
                turn_sessions, kSttFinalMs, kLlmFirstTokenMs, kTtsFirstChunkMs);
    print(voice_level(run, turn_sessions, seconds, pcm));
    int best = 0;
    for (int n : sweep) {
      const Level l = voice_level(run, n, seconds, pcm);
      print(l);
      if (l.real_time()) best = std::max(best, n);
    }
    std::printf(
        "most concurrent real-time voice sessions (p99 ingest < 20 ms, or for unnumbered frames p99 turn latency "
        "added < 20 ms; 0 dropped, p99 client lag < 20 ms): %d\n",
        best);
  }
  return 0;
}
