// loadgen: the real-time load generator for the Voice Assistant API. It
// starts the switchboard binary (scripted providers with fixed delays,
// transport-voice-api on 127.0.0.1:0), then drives it:
//
//   voice:  N WebSocket sessions, each streaming a recording in real time in
//           20 ms frames; per-frame ingest latency (frame sent -> the server's
//           acknowledgement, sampled: one frame in --ack-every 5 is numbered), turn latency (the server's end-of-speech
//           -> first audio) and what it adds over the providers' fixed delays, dropped frames, server CPU and memory;
//   health: GET /health over 64 kept-alive connections: requests per second.
//
//   loadgen [--sessions 200,400,...] [--seconds 15] [--turn-sessions 100]
//           [--connections 64] [--health-seconds 5] [--only voice|health] [--ack-every 5]
//
// Without --sessions it sweeps 200..1000 and reports the most sessions kept
// in real time (p99 ingest under 20 ms, nothing dropped). Client and server
// share this machine's cores; the client's own lateness is reported too.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <sstream>

#include "http_load.hpp"
#include "stats.hpp"
#include "support/served_binary.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/wav.hpp"
#include "voice_load.hpp"

namespace {

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

using Server = switchboard::test::ServedBinary;

// A recording as PCM16 bytes, then 1.5 s of silence.
std::string read_pcm(const std::string &name) {
  const auto samples = switchboard::test::speech_samples(name);
  return switchboard::sdk::pcm_bytes(samples.data(), samples.size()) + std::string(16000 * 2 * 3 / 2, '\0');
}

struct Level {
  int sessions;
  loadgen::VoiceResult r;
  double cpu_percent;
  double rss_mib;
  double peak_mib;
  bool real_time() const {
    return r.sessions_connected == sessions && loadgen::percentile(r.ingest_ms, 0.99) < 20 && r.frames_dropped == 0;
  }
};

Level voice_level(int sessions, int seconds, const std::string &pcm, int ack_every) {
  Server server(SWITCHBOARD_BINARY, config_text());
  if (!server.ready()) throw std::runtime_error("the server did not start: " + server.process().err());
  loadgen::VoiceOptions o;
  o.port = server.port();
  o.sessions = sessions;
  o.duration = std::chrono::seconds(seconds);
  o.pcm = pcm;
  o.ack_every = ack_every;
  const pid_t pid = server.process().pid();
  const double cpu_before = loadgen::cpu_seconds(pid);
  const auto start = std::chrono::steady_clock::now();
  Level level{sessions, loadgen::run_voice(o), 0, 0, 0};
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  level.cpu_percent = 100 * (loadgen::cpu_seconds(pid) - cpu_before) / wall;
  std::tie(level.rss_mib, level.peak_mib) = loadgen::rss_mib(pid);
  return level;
}

void print(const Level &l) {
  using loadgen::percentile;
  std::vector<double> added;
  for (double t : l.r.turn_ms) added.push_back(t - kFixedMs);
  std::printf(
      "sessions %5d (connected %5d)  frames %8ld  ingest p50 %6.2f p99 %7.2f max %8.2f ms  dropped %ld  "
      "client lag p99 %6.2f ms  turns %5zu  turn p50 %6.1f p99 %6.1f ms (added p50 %5.2f p99 %5.2f)  "
      "errors %ld  server cpu %5.1f%%  rss %6.1f MiB (peak %6.1f)  %s\n",
      l.sessions, l.r.sessions_connected, l.r.frames_sent, percentile(l.r.ingest_ms, 0.5),
      percentile(l.r.ingest_ms, 0.99), percentile(l.r.ingest_ms, 1.0), l.r.frames_dropped, percentile(l.r.lag_ms, 0.99),
      l.r.turn_ms.size(), percentile(l.r.turn_ms, 0.5), percentile(l.r.turn_ms, 0.99), percentile(added, 0.5),
      percentile(added, 0.99), l.r.errors, l.cpu_percent, l.rss_mib, l.peak_mib,
      l.real_time() ? "real time" : "NOT real time");
  std::fflush(stdout);
}

std::vector<int> list_of(const std::string &text) {
  std::vector<int> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

}  // namespace

int main(int argc, char **argv) {
  std::vector<int> sweep = {200, 400, 600, 800, 1000};
  int seconds = 15;
  int turn_sessions = 100;
  int connections = 64;
  int health_seconds = 5;
  std::string only;
  int ack_every = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--sessions")
      sweep = list_of(value);
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
    else {
      std::cerr << "unknown option " << flag << " (see the comment at the top of bench/loadgen/main.cpp)\n";
      return 2;
    }
  }
  // Sockets: two per session on this machine (client and server ends).
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);

  if (only.empty() || only == "health") {
    Server server(SWITCHBOARD_BINARY, config_text());
    if (!server.ready()) throw std::runtime_error("the server did not start: " + server.process().err());
    const auto r = loadgen::run_http(server.port(), "/health", connections, std::chrono::seconds(health_seconds));
    std::printf("health: %d connections, %ld requests in %.1f s: %.0f requests/s, p50 %.2f p99 %.2f ms, %ld failed\n",
                connections, r.requests, r.seconds, static_cast<double>(r.requests) / r.seconds,
                loadgen::percentile(r.latency_ms, 0.5), loadgen::percentile(r.latency_ms, 0.99), r.failures);
    std::fflush(stdout);
  }
  if (only.empty() || only == "voice") {
    const std::string pcm = read_pcm("crying.wav");
    std::printf("voice: turn latency at %d sessions (providers' fixed delays: stt %d + llm %d + tts %d ms)\n",
                turn_sessions, kSttFinalMs, kLlmFirstTokenMs, kTtsFirstChunkMs);
    print(voice_level(turn_sessions, seconds, pcm, ack_every));
    int best = 0;
    for (int n : sweep) {
      const Level l = voice_level(n, seconds, pcm, ack_every);
      print(l);
      if (l.real_time()) best = std::max(best, n);
    }
    std::printf("most concurrent real-time voice sessions (p99 ingest < 20 ms, 0 dropped): %d\n", best);
  }
  return 0;
}
