// The HTTP provider plugins against the local upstream, side by side in one
// run:
// - per streamed LLM token and per TTS audio chunk: llm-openai / tts-openai
//   through the plugin boundary, next to a bare blocking Beast client
//   reading the same stream from the same upstream (the transport alone);
// - 200 concurrent streaming LLM calls from one process: threads and memory
//   they add, and time to first token over the upstream's own delay.
#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include <benchmark/benchmark.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "percentile.hpp"
#include "support/provider_harness.hpp"

namespace sb = switchboard;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kTokens = 400;
constexpr int kChunks = 200;

std::string long_reply() {
  std::string r;
  for (int i = 0; i < kTokens; ++i) r += (i ? " w" : "w") + std::to_string(i);
  return r;
}

// A blocking Beast client that reads a whole response on one kept-alive
// connection: what the bytes cost before any plugin work.
struct RawClient {
  explicit RawClient(std::uint16_t port) : stream(io) {
    boost::asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  }
  std::size_t post(const std::string &target, const std::string &body, const std::string &auth) {
    beast::http::request<beast::http::string_body> req{beast::http::verb::post, target, 11};
    req.set(beast::http::field::host, "127.0.0.1");
    req.set(beast::http::field::authorization, auth);
    req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(stream, buffer, res);
    return res.body().size();
  }
  boost::asio::io_context io;
  beast::tcp_stream stream;
};

void BM_LlmStream(benchmark::State &state) {
  const bool plugin = state.range(0) == 1;
  sb::test::ProviderHarness h;
  h.upstream.script().reply = long_reply();
  auto llm = h.make("llm-openai",
                    {{"base_url", h.upstream.url() + "/v1"}, {"api_key", "sk-test-key"}, {"model", "gpt-4o-mini"}});
  RawClient raw(h.upstream.port());
  const std::string body = R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"count"}]})";
  for (auto _ : state) {
    if (plugin) {
      sb::test::LlmRecord record;
      sb::plugin::CancelSource cancel;
      sb::plugin::LlmRequest r;
      r.messages = {{"user", "count"}};
      sb::plugin::chat(*llm, r, record, cancel);
      record.done.wait();
      if (record.tokens.size() != kTokens) state.SkipWithError("a token went missing");
    } else {
      benchmark::DoNotOptimize(raw.post("/v1/chat/completions", body, "Bearer sk-test-key"));
    }
  }
  state.counters["per_token"] = benchmark::Counter(static_cast<double>(state.iterations()) * kTokens,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LlmStream)->Arg(0)->Arg(1)->ArgName("plugin")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

void BM_TtsStream(benchmark::State &state) {
  const bool plugin = state.range(0) == 1;
  sb::test::ProviderHarness h;
  h.upstream.script().speech_ms_per_char = 20;
  h.upstream.script().audio_chunk_ms = 20;
  // kChunks chunks of 20 ms: kChunks * 20 ms of speech at 20 ms per character.
  const std::string text(kChunks, 'a');
  auto tts = h.make("tts-openai", {{"base_url", h.upstream.url() + "/v1"}, {"api_key", "sk-test-key"}});
  RawClient raw(h.upstream.port());
  const std::string body = R"({"model":"tts-1","voice":"alloy","response_format":"pcm","input":")" + text + "\"}";
  for (auto _ : state) {
    if (plugin) {
      sb::test::TtsRecord record;
      sb::plugin::CancelSource cancel;
      sb::plugin::synthesize(*tts, text, "", record, cancel);
      record.done.wait();
      if (record.chunks < kChunks) state.SkipWithError("chunks went missing");
    } else {
      benchmark::DoNotOptimize(raw.post("/v1/audio/speech", body, "Bearer sk-test-key"));
    }
  }
  state.counters["per_chunk"] = benchmark::Counter(static_cast<double>(state.iterations()) * kChunks,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TtsStream)->Arg(0)->Arg(1)->ArgName("plugin")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

int threads_now() {
  int n = 0;
  if (DIR *d = opendir("/proc/self/task")) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n - 2;  // . and ..
}

long rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

using switchboard::bench::percentile;

struct Timed : sb::test::LlmRecord {
  void on_token(std::string_view t) override {
    if (first == Clock::time_point{}) first = Clock::now();
    LlmRecord::on_token(t);
  }
  Clock::time_point first{};
};

void BM_ConcurrentStreams(benchmark::State &state) {
  constexpr int kCalls = 200;
  constexpr int kFirstTokenMs = 200;
  sb::test::ProviderHarness h;
  h.upstream.script().reply = "one two three four five six seven eight nine ten";
  h.upstream.script().first_token_ms = kFirstTokenMs;
  h.upstream.script().token_ms = 50;
  auto llm = h.make("llm-openai",
                    {{"base_url", h.upstream.url() + "/v1"}, {"api_key", "sk-test-key"}, {"model", "gpt-4o-mini"}});
  // Round one opens the connections (kept alive); round two is measured.
  auto round = [&](std::vector<std::unique_ptr<Timed>> &records, std::vector<Clock::time_point> &starts,
                   std::vector<std::unique_ptr<sb::plugin::CancelSource>> &cancels) {
    sb::plugin::LlmRequest r;
    r.messages = {{"user", "go"}};
    // Starts 1 ms apart: all 200 overlap (each streams for ~650 ms), and
    // their first tokens do not all fall due in the same instant.
    const auto begin = Clock::now();
    for (int i = 0; i < kCalls; ++i) {
      std::this_thread::sleep_until(begin + std::chrono::milliseconds(i));
      records.push_back(std::make_unique<Timed>());
      cancels.push_back(std::make_unique<sb::plugin::CancelSource>());
      starts.push_back(Clock::now());
      sb::plugin::chat(*llm, r, *records.back(), *cancels.back());
    }
  };
  {
    std::vector<std::unique_ptr<Timed>> records;
    std::vector<Clock::time_point> starts;
    std::vector<std::unique_ptr<sb::plugin::CancelSource>> cancels;
    round(records, starts, cancels);
    for (auto &rec : records) rec->done.wait();
  }
  for (auto _ : state) {
    const int threads_before = threads_now();
    const long rss_before = rss_kb();
    std::vector<std::unique_ptr<Timed>> records;
    std::vector<std::unique_ptr<sb::plugin::CancelSource>> cancels;
    std::vector<Clock::time_point> starts;
    round(records, starts, cancels);
    std::this_thread::sleep_until(starts.front() + std::chrono::milliseconds(kFirstTokenMs + 150));
    const int threads_during = threads_now();
    const long rss_during = rss_kb();
    std::vector<double> added;
    int ok = 0;
    for (int i = 0; i < kCalls; ++i) {
      records[i]->done.wait();
      ok += records[i]->outcome.ok() ? 1 : 0;
      added.push_back(std::chrono::duration<double, std::milli>(records[i]->first - starts[i]).count() - kFirstTokenMs);
    }
    state.counters["calls_ok"] = ok;
    state.counters["threads_added"] = threads_during - threads_before;
    state.counters["rss_added_kb"] = static_cast<double>(rss_during - rss_before);
    state.counters["ttft_added_p50_ms"] = percentile(added, 0.5);
    state.counters["ttft_added_p99_ms"] = percentile(added, 0.99);
    state.counters["connections"] = static_cast<double>(h.upstream.connections_accepted());
  }
}
BENCHMARK(BM_ConcurrentStreams)->Iterations(1)->Repetitions(3)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
