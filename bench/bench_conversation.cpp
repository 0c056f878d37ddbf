// The conversation engine, measured side by side in one run:
// - the latency a turn adds over scripted providers of fixed latency (voice:
//   end of speech -> first audio chunk; text: message -> first audio chunk),
//   next to the same delays run on bare host timers (the timers' own slack);
// - memory per idle session and per active voice session;
// - flite and espeak: real-time factor and time to the first audio chunk;
// - speech recognition through the engine (default model): word error rate
//   and real-time factor, next to pocketsphinx_continuous on the same files.
#include <malloc.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <benchmark/benchmark.h>

#include "in_process_host.hpp"
#include "percentile.hpp"

#include "app/application.hpp"
#include "core/system_clock.hpp"
#include "plugin/tts_client.hpp"
#include "support/testdata.hpp"
#include "support/word_errors.hpp"

namespace sb = switchboard;
using sb::conversation::State;
using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

// The host itself (chains, cache, sessions) from a YAML text.
struct Host : sb::bench::InProcessHost {
  explicit Host(const std::string &yaml)
      : InProcessHost(yaml, SWITCHBOARD_CONFIG_DIR "/bench.yaml", SWITCHBOARD_PLUGIN_DIR) {}
};

class TurnWaiter : public sb::conversation::SessionObserver {
 public:
  void on_event(const sb::conversation::Event &e) override {
    std::lock_guard lock(mutex_);
    if (const auto *c = std::get_if<sb::conversation::event::TurnComplete>(&e.body)) {
      complete = *c;
      done = true;
      cv_.notify_all();
    } else if (const auto *t = std::get_if<sb::conversation::event::Transcript>(&e.body); t && t->is_final) {
      final_text = t->text;
      final_at = Clock::now();
    }
  }
  void wait() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, std::chrono::seconds(60), [this] { return done; })) throw std::runtime_error("no turn");
  }
  sb::conversation::event::TurnComplete complete;
  std::string final_text;
  Clock::time_point final_at;
  bool done = false;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

using switchboard::bench::percentile;

// Fixed provider latencies: the final transcript 20 ms after the end of
// speech, the first token 30 ms after the request, the first chunk of speech
// 15 ms after the sentence.
constexpr double kSttMs = 20, kLlmMs = 30, kTtsMs = 15;
const char *kScripted =
    "stt: [{name: s, plugin: stt-scripted, config: {transcripts: [\"how do babies sleep\"], final_delay_ms: 20}}]\n"
    "llm: [{name: l, plugin: llm-scripted, config: {reply: \"Babies sleep a lot. Most need fourteen hours.\", "
    "first_token_ms: 30}}]\n"
    "tts: [{name: t, plugin: tts-tone, config: {ms_per_char: 10, first_chunk_ms: 15}}]\n";

// The same delays one after another on the host's timers: what the fixed
// latencies cost before the engine adds anything.
double timer_chain_slack_ms(sb::core::Clock &clock, const std::vector<double> &delays_ms) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  const auto start = Clock::now();
  std::function<void(std::size_t)> step = [&](std::size_t i) {
    if (i == delays_ms.size()) {
      std::lock_guard lock(m);
      done = true;
      cv.notify_all();
      return;
    }
    clock.schedule(std::chrono::microseconds(static_cast<long>(delays_ms[i] * 1000)),
                   [&step, i](bool) { step(i + 1); });
  };
  step(0);
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
  double total = 0;
  for (double d : delays_ms) total += d;
  return Ms(Clock::now() - start).count() - total;
}

void report(benchmark::State &state, const std::string &name, const std::vector<double> &v) {
  state.counters[name + "_p50_ms"] = percentile(v, 0.5);
  state.counters[name + "_p99_ms"] = percentile(v, 0.99);
}

void BM_TurnAddedLatency(benchmark::State &state) {
  const bool voice = state.range(0) == 1;
  Host host(kScripted);
  sb::core::Executor executor(2);
  sb::core::SystemClock clock(executor);
  const auto wav = sb::test::speech_bytes("sleep.wav");
  const std::vector<double> delays =
      voice ? std::vector<double>{kSttMs, kLlmMs, kTtsMs} : std::vector<double>{kLlmMs, kTtsMs};
  double fixed = 0;
  for (double d : delays) fixed += d;
  std::vector<double> added, slack;
  for (auto _ : state) {
    auto session = host.sessions().session();
    auto waiter = std::make_shared<TurnWaiter>();
    session->attach(waiter);
    if (voice) {
      std::string error;
      session->push_audio(wav, error);
      session->end_audio();
    } else {
      session->send_text("how do babies sleep", true);
    }
    waiter->wait();
    added.push_back(waiter->complete.timings.first_audio_ms - fixed);
    session->detach(waiter.get());
    host.sessions().remove(session->id());
    slack.push_back(timer_chain_slack_ms(clock, delays));
  }
  report(state, "engine_plus_timers", added);
  report(state, "timers_alone", slack);
  executor.stop();
}
BENCHMARK(BM_TurnAddedLatency)
    ->Arg(1)
    ->Arg(0)
    ->ArgName("voice")
    ->Iterations(150)
    ->Repetitions(1)
    ->Unit(benchmark::kMillisecond);

std::size_t heap_in_use() {
  return mallinfo2().uordblks;
}

// Bytes of heap per session: idle (made, never spoken to) and active (its
// audio path running, in the middle of an utterance with an stt stream open).
void BM_SessionMemory(benchmark::State &state) {
  const bool active = state.range(0) == 1;
  constexpr int kSessions = 500;
  Host host(kScripted);
  const auto samples = sb::test::speech_samples("sleep.wav");
  // The first second of speech, as raw PCM16.
  std::vector<std::uint8_t> second(16000 * 2);
  std::memcpy(second.data(), samples.data() + 8000, second.size());
  for (auto _ : state) {
    malloc_trim(0);
    const std::size_t before = heap_in_use();
    std::vector<std::shared_ptr<sb::conversation::Session>> sessions;
    for (int i = 0; i < kSessions; ++i) {
      sessions.push_back(host.sessions().session());
      if (active) {
        std::string error;
        sessions.back()->push_audio(second, error);
      }
    }
    // Wait until every session has taken its audio (the strands run it).
    for (const auto &s : sessions) {
      while (active && s->state() != State::listening) std::this_thread::yield();
    }
    const std::size_t after = heap_in_use();
    state.counters["bytes_per_session"] = static_cast<double>(after - before) / kSessions;
    host.sessions().remove_all();
  }
}
BENCHMARK(BM_SessionMemory)->Arg(0)->Arg(1)->ArgName("active")->Iterations(1)->Repetitions(1);

class Speech : public sb::plugin::TtsHandler {
 public:
  void on_audio(const std::int16_t *, std::size_t n, std::uint32_t rate) override {
    std::lock_guard lock(mutex_);
    if (samples == 0) first = Clock::now();
    samples += n;
    this->rate = rate;
  }
  void on_done(const sb::sdk::Outcome &) override {
    std::lock_guard lock(mutex_);
    done = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return done; });
  }
  Clock::time_point first;
  std::size_t samples = 0;
  std::uint32_t rate = 0;
  bool done = false;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
};

// One sentence of the demo's answers, synthesised whole.
void BM_Tts(benchmark::State &state, const std::string &plugin, const nlohmann::json &config) {
  sb::plugin::Registry registry;
  registry.scan({SWITCHBOARD_PLUGIN_DIR});
  sb::core::ControlQueue control;
  sb::admin::Metrics metrics;
  sb::core::Executor executor(2);
  sb::core::SystemClock clock(executor);
  std::string error;
  auto tts =
      sb::plugin::Instance::create(registry.find(plugin), plugin, config, {executor, metrics, clock, control}, error);
  if (!tts) throw std::runtime_error(error);
  const std::string text = "Keep the same bedtime every night, with a short calm routine before it.";
  std::vector<double> first_ms, rtf;
  for (auto _ : state) {
    Speech s;
    sb::plugin::CancelSource cancel;
    const auto start = Clock::now();
    (void)sb::plugin::synthesize(*tts, text, "", s, cancel);
    s.wait();
    const auto end = Clock::now();
    first_ms.push_back(Ms(s.first - start).count());
    rtf.push_back(std::chrono::duration<double>(end - start).count() / (static_cast<double>(s.samples) / s.rate));
  }
  report(state, "first_chunk", first_ms);
  state.counters["rtf_median"] = percentile(rtf, 0.5);
  tts.reset();
  control.run_pending();
  executor.stop();
}
BENCHMARK_CAPTURE(BM_Tts, flite, std::string("tts-flite"), nlohmann::json{{"voice", "slt"}})
    ->Iterations(20)
    ->Repetitions(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Tts, espeak, std::string("tts-espeak"), nlohmann::json{{"voice", "en-us"}})
    ->Iterations(20)
    ->Repetitions(1)
    ->Unit(benchmark::kMillisecond);

std::string run_command(const std::string &command) {
  std::string out;
  if (FILE *p = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, p) != nullptr) out += buffer;
    ::pclose(p);
  }
  return out;
}

// Every recording through a session with the default recogniser, then the
// same recordings through PocketSphinx's own command-line decoder.
void BM_SpeechRecognition(benchmark::State &state) {
  Host host(
      "stt: [{name: pocketsphinx, plugin: stt-pocketsphinx, config: {decoders: 1}}]\n"
      "llm: [{name: l, plugin: llm-scripted, config: {reply: \"Ok.\"}}]\n"
      "tts: [{name: t, plugin: tts-tone, config: {ms_per_char: 1}}]\n");
  const bool have_cli = !run_command("command -v pocketsphinx_continuous").empty();
  for (auto _ : state) {
    std::size_t words = 0, engine_wrong = 0, cli_wrong = 0;
    double audio_s = 0, engine_s = 0, cli_s = 0;
    for (const auto &[name, reference] : sb::test::reference_transcripts()) {
      const auto wav = sb::test::speech_bytes(name + ".wav");
      audio_s += static_cast<double>(sb::test::speech_samples(name + ".wav").size()) / 16000.0;
      auto session = host.sessions().session();
      auto waiter = std::make_shared<TurnWaiter>();
      session->attach(waiter);
      const auto start = Clock::now();
      std::string error;
      session->push_audio(wav, error);
      session->end_audio();
      waiter->wait();
      engine_s += std::chrono::duration<double>(waiter->final_at - start).count();
      const auto ref = sb::test::words_of(reference);
      words += ref.size();
      engine_wrong += sb::test::word_errors(ref, sb::test::words_of(waiter->final_text));
      host.sessions().remove(session->id());
      if (have_cli) {
        const auto cli_start = Clock::now();
        const std::string hyp = run_command("pocketsphinx_continuous -infile '" + sb::test::speech_path(name + ".wav") +
                                            "' -logfn /dev/null 2>/dev/null");
        cli_s += std::chrono::duration<double>(Clock::now() - cli_start).count();
        cli_wrong += sb::test::word_errors(ref, sb::test::words_of(hyp));
      }
    }
    state.counters["engine_wer"] = static_cast<double>(engine_wrong) / static_cast<double>(words);
    state.counters["engine_rtf"] = engine_s / audio_s;
    if (have_cli) {
      state.counters["cli_wer"] = static_cast<double>(cli_wrong) / static_cast<double>(words);
      state.counters["cli_rtf_with_model_load"] = cli_s / audio_s;
    }
  }
}
BENCHMARK(BM_SpeechRecognition)->Iterations(1)->Repetitions(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
