// tts-tone: a sine tone whose length follows the text, streamed in chunks at
// a configured pace. Deterministic, for demos and tests; it can fail on cue.
//
// config:
//   sample_rate: 16000, frequency: 440, ms_per_char: 50, chunk_ms: 20
//   first_chunk_ms: 0                  latency before the first chunk
//   chunk_interval_ms: 0               pace between chunks
//   fail_on: "..."                     fail a text that contains this
//   fail_after_chunks: 0               ... after sending this many chunks of it
//   word_timings: true                 report where each word begins (a word is
//                                      ms_per_char for each of its bytes, as is the space)
#include <cmath>
#include <memory>
#include <mutex>
#include <vector>

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

struct Synthesis {
  Synthesis(sdk::TtsSink s, sdk::CancelToken c) : sink(std::move(s)), cancel(c) {}
  std::mutex mutex;
  sdk::TtsSink sink;
  sdk::CancelToken cancel;
  sdk::CancelSubscription on_cancel;
  std::size_t total = 0;  // samples to send
  std::size_t sent = 0;
  int chunks = 0;
  int fail_after = -1;  // chunks, or -1
  double frequency = 440;
  std::vector<std::pair<std::size_t, std::uint64_t>> words;  // reported before the first chunk
};

}  // namespace

class ToneTts : public sdk::Tts {
 public:
  explicit ToneTts(sdk::Host &host) : host_(host) {
    const auto &c = host.config();
    rate_ = c.value("sample_rate", 16000);
    frequency_ = c.value("frequency", 440.0);
    ms_per_char_ = c.value("ms_per_char", 50);
    chunk_ms_ = c.value("chunk_ms", 20);
    interval_ms_ = c.value("chunk_interval_ms", 0);
    first_chunk_ms_ = c.value("first_chunk_ms", 0);
    fail_on_ = c.value("fail_on", "");
    fail_after_ = c.value("fail_after_chunks", 0);
    word_timings_ = c.value("word_timings", true);
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c,
                         {"sample_rate", "frequency", "ms_per_char", "chunk_ms", "chunk_interval_ms", "first_chunk_ms",
                          "fail_on", "fail_after_chunks", "word_timings"},
                         errors)) {
      return;
    }
    cfg::expect_integer(c, "sample_rate", errors, 8000, 48000);
    cfg::expect_number(c, "frequency", errors, 20, 8000);
    cfg::expect_integer(c, "ms_per_char", errors, 1, 1000);
    cfg::expect_integer(c, "chunk_ms", errors, 1, 1000);
    cfg::expect_integer(c, "chunk_interval_ms", errors, 0, 10000);
    cfg::expect_integer(c, "first_chunk_ms", errors, 0, 600000);
    cfg::expect_string(c, "fail_on", errors);
    cfg::expect_integer(c, "fail_after_chunks", errors, 0, 1000000);
    cfg::expect_bool(c, "word_timings", errors);
  }

  std::vector<sdk::Voice> voices() override {
    return {{"tone", "Tone", "en", "neutral", static_cast<std::uint32_t>(rate_)},
            {"low", "Low tone", "en", "neutral", static_cast<std::uint32_t>(rate_)}};
  }

  void synthesize(const sdk::TtsRequest &request, sdk::TtsSink sink, sdk::CancelToken cancel) override {
    if (!request.voice.empty() && request.voice != "tone" && request.voice != "low") {
      throw sdk::Error(sdk::Status::invalid_input, "unknown voice '" + request.voice + "'");
    }
    auto s = std::make_shared<Synthesis>(sink, cancel);
    s->total = request.text.size() * static_cast<std::size_t>(ms_per_char_) * static_cast<std::size_t>(rate_) / 1000;
    s->frequency = request.voice == "low" ? frequency_ / 2 : frequency_;
    if (!fail_on_.empty() && request.text.find(fail_on_) != std::string::npos) s->fail_after = fail_after_;
    if (word_timings_) {
      // Every byte lasts ms_per_char, so a word begins where its first byte
      // does. Reported with the first chunk, never inside synthesize().
      const std::size_t per_char = static_cast<std::size_t>(ms_per_char_) * static_cast<std::size_t>(rate_) / 1000;
      for (std::size_t i = 0; i < request.text.size(); ++i) {
        const bool starts = request.text[i] != ' ' && (i == 0 || request.text[i - 1] == ' ');
        if (starts) s->words.emplace_back(i, i * per_char);
      }
    }
    // The subscription holds the synthesis until it ends (see llm-scripted).
    s->on_cancel = cancel.on_cancel([this, s] { schedule(s, 0); });
    schedule(s, first_chunk_ms_);
  }

 private:
  void schedule(const std::shared_ptr<Synthesis> &s, int delay_ms) {
    host_.post([this, s] { step(s); }, std::chrono::milliseconds(delay_ms));
  }

  void step(const std::shared_ptr<Synthesis> &s) {
    std::lock_guard lock(s->mutex);
    if (s->sink.finished()) return;
    if (s->cancel.cancelled()) {
      s->on_cancel.reset();
      s->sink.fail(sdk::Status::cancelled, "cancelled");
      return;
    }
    if (s->fail_after >= 0 && s->chunks >= s->fail_after) {
      s->on_cancel.reset();
      s->sink.fail(sdk::Status::retryable, "scripted failure after " + std::to_string(s->chunks) + " chunks");
      return;
    }
    if (s->sent >= s->total) {
      s->on_cancel.reset();
      s->sink.done();
      return;
    }
    for (const auto &[offset, sample] : s->words) s->sink.word(offset, sample);
    s->words.clear();
    const std::size_t n = std::min(s->total - s->sent, static_cast<std::size_t>(rate_ * chunk_ms_ / 1000));
    std::vector<std::int16_t> chunk(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double t = static_cast<double>(s->sent + i) / rate_;
      chunk[i] = static_cast<std::int16_t>(8000.0 * std::sin(2.0 * M_PI * s->frequency * t));
    }
    s->sent += n;
    ++s->chunks;
    s->sink.audio(chunk.data(), chunk.size(), static_cast<std::uint32_t>(rate_));
    schedule(s, interval_ms_);
  }

  sdk::Host &host_;
  int rate_;
  double frequency_;
  int ms_per_char_;
  int chunk_ms_;
  int interval_ms_;
  int first_chunk_ms_;
  std::string fail_on_;
  bool word_timings_ = true;
  int fail_after_;
};

SWITCHBOARD_PLUGIN(ToneTts, "tts-tone", "1.0.0", "A tone whose length follows the text")
