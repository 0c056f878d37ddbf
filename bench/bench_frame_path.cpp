// The server's cost per 20 ms audio frame, in process and without sockets:
// what a voice session's frame costs from the message the WebSocket hands
// over (a JSON/base64 text frame or a binary frame) to the end of its voice
// and turn detection on the session's strand.
// - BM_DecodeAudioMessage: the transport's decoding of one JSON audio message.
// - BM_FramePath: `sessions` sessions each given one frame per round, as the
//   I/O thread does (decode, then Session::push_audio), the round waiting
//   until every session's strand has analysed its frame. Counters:
//   cpu_us_per_frame is the whole process's CPU time (every thread) per
//   frame; allocs_per_frame counts heap allocations and locks_per_frame
//   mutex locks, on every thread.
//   speech:1 sends two utterances and the pause between them, over and over
//   (the recognizer's calls and the turns they start are counted in; the
//   rounds go faster than real time, so those weigh more per frame than in
//   a real conversation); speech:0 sends two seconds of noise: the steady path,
//   where nothing but the frame itself happens.
#include <time.h>

#include <map>
#include <thread>

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include "allocation_counter.hpp"
#include "client_message.hpp"
#include "in_process_host.hpp"
#include "lock_counter.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace sb = switchboard;

namespace {

constexpr std::size_t kFrameBytes = 640;  // 20 ms of 16 kHz PCM16

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Speech to send, looped: two utterances with the pause between them, so
// voice and turn detection and the scripted recognizer all take part.
const std::string &recording_pcm(const std::string &name) {
  static std::map<std::string, std::string> loaded;
  auto &pcm = loaded[name];
  if (pcm.empty()) {
    const auto samples = sb::test::speech_samples(name);
    pcm = sb::sdk::pcm_bytes(samples.data(), samples.size());
    pcm.resize(pcm.size() / kFrameBytes * kFrameBytes);
  }
  return pcm;
}

const std::string &speech_pcm() {
  return recording_pcm("two-turns.wav");
}

// The audio message a client sends for the frame at `at` (numbered: every
// fifth is, as the load generator does).
std::string json_message(std::string_view frame, std::int64_t seq) {
  std::string m = "{\"type\":\"audio\",\"data\":\"" + sb::sdk::base64_encode(frame) + "\"";
  if (seq % 5 == 0) m += ",\"seq\":" + std::to_string(seq);
  return m + "}";
}

void BM_DecodeAudioMessage(benchmark::State &state) {
  const std::string message = json_message(speech_pcm().substr(0, kFrameBytes), 5);
  const auto allocations = sb::bench::allocations();
  std::size_t bytes = 0;
  voice_api::ClientMessage m;  // the socket's, decoded into again and again
  for (auto _ : state) {
    voice_api::decode_client_message(message, m);
    bytes += m.data.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["allocs_per_frame"] =
      static_cast<double>(sb::bench::allocations() - allocations) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DecodeAudioMessage)->Unit(benchmark::kNanosecond);

const char *kProviders =
    "stt: [{name: s, plugin: stt-scripted, config: {transcripts: [\"what is the weather like\"], final_delay_ms: "
    "40}}]\n"
    "llm: [{name: l, plugin: llm-scripted, config: {reply: \"It will be sunny.\", first_token_ms: 30}}]\n"
    "tts: [{name: t, plugin: tts-tone, config: {ms_per_char: 20, first_chunk_ms: 15}}]\n"
    "conversation: {cache_tts: false}\n";

void BM_FramePath(benchmark::State &state) {
  const auto sessions_count = static_cast<std::size_t>(state.range(0));
  const bool json = state.range(1) == 1;
  const std::string &pcm = state.range(2) == 1 ? speech_pcm() : recording_pcm("noise-2s.wav");
  spdlog::set_level(spdlog::level::warn);  // a line per turn would be measured too
  sb::bench::InProcessHost host(kProviders, "bench.yaml", SWITCHBOARD_PLUGIN_DIR);
  auto &conversations = host.sessions();
  std::vector<std::shared_ptr<sb::conversation::Session>> sessions;
  for (std::size_t i = 0; i < sessions_count; ++i) sessions.push_back(conversations.session());
  // Every message of the recording, made before the clock starts.
  const std::size_t frames_in_speech = pcm.size() / kFrameBytes;
  std::vector<std::string> messages;
  for (std::size_t f = 0; f < frames_in_speech; ++f) {
    const std::string frame = pcm.substr(f * kFrameBytes, kFrameBytes);
    messages.push_back(json ? json_message(frame, static_cast<std::int64_t>(f)) : frame);
  }
  std::size_t frame = 0;
  std::uint64_t sent = 0;
  voice_api::ClientMessage decoded;  // as a socket keeps it
  std::string error;
  auto round = [&] {
    const std::string &raw = messages[frame];
    for (std::size_t s = 0; s < sessions.size(); ++s) {
      std::string_view bytes = raw;
      if (json) {
        voice_api::decode_client_message(raw, decoded);
        bytes = decoded.data;
      }
      if (!sessions[s]->push_audio({reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size()}, error)) {
        state.SkipWithError(error.c_str());
        return;
      }
    }
    ++sent;
    frame = (frame + 1) % frames_in_speech;
    // Every strand has analysed the frame: the round is over.
    for (const auto &s : sessions) {
      while (s->frames_heard() < sent) std::this_thread::yield();
    }
  };
  for (std::size_t warm = 0; warm < 50; ++warm) round();  // each session's audio path is made
  const auto allocations = sb::bench::allocations();
  const auto locks = sb::bench::mutex_locks();
  const double cpu_before = process_cpu_seconds();
  std::uint64_t frames = 0;
  for (auto _ : state) {
    round();
    frames += sessions.size();
  }
  const double cpu = process_cpu_seconds() - cpu_before;
  state.counters["cpu_us_per_frame"] = cpu * 1e6 / static_cast<double>(frames);
  state.counters["allocs_per_frame"] =
      static_cast<double>(sb::bench::allocations() - allocations) / static_cast<double>(frames);
  state.counters["locks_per_frame"] =
      static_cast<double>(sb::bench::mutex_locks() - locks) / static_cast<double>(frames);
  std::uint64_t dropped = 0;
  for (const auto &s : sessions) dropped += s->dropped_samples();
  state.counters["dropped_samples"] = static_cast<double>(dropped);
  conversations.remove_all();
}
BENCHMARK(BM_FramePath)
    ->ArgsProduct({{1, 100}, {1, 0}, {1, 0}})
    ->ArgNames({"sessions", "json", "speech"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
