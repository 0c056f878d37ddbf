// The audio core per second of real-time audio: the per-frame path (ring,
// voice detection, turn detection, metrics) and decode + resample for each
// upload format. `core_percent` is the share of one core a real-time stream
// takes; `allocs_per_frame` counts heap allocations on the per-frame path.
#include <chrono>
#include <fstream>
#include <iterator>

#include <benchmark/benchmark.h>

#include "allocation_counter.hpp"
#include "audio/audio_input.hpp"
#include "audio/audio_path.hpp"

namespace sa = switchboard::audio;

namespace {

const std::string kSpeech = std::string(SWITCHBOARD_TESTDATA_DIR) + "/speech/";

std::vector<std::uint8_t> read_file(const std::string &name) {
  std::ifstream in(kSpeech + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class Quiet : public sa::AudioPathListener {
 public:
  void on_vad(bool, bool) override {}
  void on_utterance_start(std::int64_t) override {}
  void on_utterance_frame(std::span<const std::int16_t, sa::kFrameSamples> f) override { sum += f[0]; }
  void on_utterance_end(std::int64_t, const sa::UtteranceMetrics &) override {}
  void on_barge_in(std::int64_t) override {}
  std::int64_t sum = 0;
};

void BM_FramePathPerSecondOfAudio(benchmark::State &state) {
  std::vector<std::int16_t> speech;
  std::string error;
  sa::decode(read_file("two-turns.wav"), speech, error);
  speech.resize(sa::kPipelineRate * 7);
  Quiet quiet;
  sa::AudioPath path({}, quiet);
  std::size_t at = 0;
  std::uint64_t frames = 0;
  const auto allocations = switchboard::bench::allocations();
  const auto started = std::chrono::steady_clock::now();
  for (auto _ : state) {
    // One second, as 50 network messages of 20 ms, each pumped at once.
    for (int m = 0; m < 50; ++m) {
      path.push(std::span(speech).subspan(at, sa::kFrameSamples));
      frames += path.pump();
      at = (at + sa::kFrameSamples) % (speech.size() - sa::kFrameSamples);
    }
  }
  state.counters["allocs_per_frame"] =
      static_cast<double>(switchboard::bench::allocations() - allocations) / static_cast<double>(frames);
  const double busy = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  state.counters["core_percent"] = 100 * busy / static_cast<double>(state.iterations());  // 1 s of audio each
}

void decode_format(benchmark::State &state, const std::string &file, int declared_rate) {
  const auto bytes = read_file(file);
  double seconds = 0;
  const auto started = std::chrono::steady_clock::now();
  for (auto _ : state) {
    sa::AudioInput input({});
    std::vector<std::int16_t> out;
    std::string error;
    if (!input.accept(bytes, out, error, declared_rate) || !input.end_stream(out, error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    seconds = static_cast<double>(out.size()) / sa::kPipelineRate;
  }
  // Time per second of audio, as a share of one core.
  const double busy = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  state.counters["core_percent"] = 100 * busy / (static_cast<double>(state.iterations()) * seconds);
}

}  // namespace

BENCHMARK(BM_FramePathPerSecondOfAudio)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, wav_16k, "hello.wav", 16000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, wav_24k, "formats/hello-24k.wav", 16000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, wav_44k_stereo, "formats/hello-44k-stereo.wav", 16000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, pcm_24k, "formats/hello-24k-s16le.pcm", 24000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, mp3, "formats/hello.mp3", 16000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, ogg, "formats/hello.ogg", 16000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(decode_format, webm_opus, "formats/hello.webm", 16000)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
