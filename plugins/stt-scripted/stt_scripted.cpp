// stt-scripted: returns configured transcripts, one per stream in turn, with
// partial words while audio arrives. Deterministic, for demos and tests.
//
// config:
//   transcripts: ["hello there", ...]  cycled per stream; "{samples}" and
//                                      "{ms}" stand for the audio received
//   partial_every_ms: 500              one more word as a partial per this much audio
//   confidence: 0.9, language: "en-US"
//   final_delay_ms: 0                  after finish, before the final
//   fail_after_ms: 0                   fail the stream after this much audio (0: never)
//   fail_after_final: false            send the final, then fail the stream instead of ending it
#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

std::string replace_all(std::string s, const std::string &from, const std::string &to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

struct Settings {
  int partial_every_ms = 500;
  float confidence = 0.9f;
  std::string language = "en-US";
  int final_delay_ms = 0;
  int fail_after_ms = 0;
  bool fail_after_final = false;
};

}  // namespace

class ScriptedStream : public sdk::SttStream, public std::enable_shared_from_this<ScriptedStream> {
 public:
  ScriptedStream(sdk::Host &host, const Settings &settings, std::string transcript, sdk::SttSink sink,
                 sdk::CancelToken cancel)
      : host_(host), settings_(settings), transcript_(std::move(transcript)), sink_(std::move(sink)), cancel_(cancel) {}

  void start() {
    std::weak_ptr<ScriptedStream> weak = shared_from_this();
    on_cancel_ = cancel_.on_cancel([this, weak] {
      if (auto self = weak.lock()) host_.post([self] { self->tick(); });
    });
    schedule_tick();
  }

  // [audio-thread] Only counts: partials come from the paced tick.
  void feed(const std::int16_t *, std::size_t count) override { samples_.fetch_add(count); }

  void finish() override {
    finished_.store(true);
    auto self = shared_from_this();
    host_.post([self] { self->tick(); }, std::chrono::milliseconds(settings_.final_delay_ms));
  }

 private:
  void schedule_tick() {
    std::weak_ptr<ScriptedStream> weak = shared_from_this();
    host_.post(
        [weak] {
          if (auto self = weak.lock()) self->tick();
        },
        std::chrono::milliseconds(std::max(10, settings_.partial_every_ms / 2)));
  }

  std::string final_text() const {
    const std::size_t n = samples_.load();
    return replace_all(replace_all(transcript_, "{samples}", std::to_string(n)), "{ms}", std::to_string(n / 16));
  }

  void tick() {
    std::lock_guard lock(mutex_);
    if (sink_.finished()) return;
    if (cancel_.cancelled()) {
      on_cancel_.reset();
      sink_.fail(sdk::Status::cancelled, "cancelled");
      return;
    }
    const std::size_t ms = samples_.load() / 16;
    if (settings_.fail_after_ms > 0 && ms >= static_cast<std::size_t>(settings_.fail_after_ms)) {
      on_cancel_.reset();
      sink_.fail(sdk::Status::retryable, "scripted failure after " + std::to_string(ms) + " ms of audio");
      return;
    }
    if (finished_.load()) {
      on_cancel_.reset();
      sink_.final_text(final_text(), settings_.confidence, settings_.language);
      if (settings_.fail_after_final) {
        sink_.fail(sdk::Status::retryable, "scripted failure after the final");
      } else {
        sink_.done();
      }
      return;
    }
    if (settings_.partial_every_ms > 0) {
      const std::size_t words = ms / static_cast<std::size_t>(settings_.partial_every_ms);
      if (words > partial_words_) {
        partial_words_ = words;
        std::istringstream in(final_text());
        std::string partial;
        std::string w;
        for (std::size_t i = 0; i < words && in >> w; ++i) partial += (i ? " " : "") + w;
        if (!partial.empty()) sink_.partial(partial);
      }
    }
    schedule_tick();
  }

  sdk::Host &host_;
  const Settings settings_;
  const std::string transcript_;
  std::mutex mutex_;
  sdk::SttSink sink_;
  sdk::CancelToken cancel_;
  sdk::CancelSubscription on_cancel_;
  std::atomic<std::size_t> samples_{0};
  std::atomic<bool> finished_{false};
  std::size_t partial_words_ = 0;
};

// The plugin owns nothing per stream: the stream object is shared between
// the host's handle and the paced ticks, so the SDK's unique_ptr holds a
// small forwarder.
class StreamHandle : public sdk::SttStream {
 public:
  explicit StreamHandle(std::shared_ptr<ScriptedStream> s) : stream_(std::move(s)) {}
  void feed(const std::int16_t *samples, std::size_t count) override { stream_->feed(samples, count); }
  void finish() override { stream_->finish(); }

 private:
  std::shared_ptr<ScriptedStream> stream_;
};

class ScriptedStt : public sdk::Stt {
 public:
  explicit ScriptedStt(sdk::Host &host) : host_(host) {
    const auto &c = host.config();
    for (const auto &t : c.value("transcripts", nlohmann::json::array({"hello"}))) transcripts_.push_back(t);
    settings_.partial_every_ms = c.value("partial_every_ms", 500);
    settings_.confidence = c.value("confidence", 0.9f);
    settings_.language = c.value("language", "en-US");
    settings_.final_delay_ms = c.value("final_delay_ms", 0);
    settings_.fail_after_ms = c.value("fail_after_ms", 0);
    settings_.fail_after_final = c.value("fail_after_final", false);
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c,
                         {"transcripts", "partial_every_ms", "confidence", "language", "final_delay_ms",
                          "fail_after_ms", "fail_after_final"},
                         errors)) {
      return;
    }
    if (c.contains("transcripts")) {
      bool ok = c["transcripts"].is_array() && !c["transcripts"].empty();
      for (const auto &t : c["transcripts"]) ok = ok && t.is_string();
      if (!ok) errors.add("/transcripts", "must be a non-empty list of strings");
    }
    cfg::expect_bool(c, "fail_after_final", errors);
    cfg::expect_integer(c, "partial_every_ms", errors, 0, 60000);
    cfg::expect_number(c, "confidence", errors, 0, 1);
    cfg::expect_string(c, "language", errors);
    cfg::expect_integer(c, "final_delay_ms", errors, 0, 600000);
    cfg::expect_integer(c, "fail_after_ms", errors, 0, 3600000);
  }

  std::unique_ptr<sdk::SttStream> open(const sdk::SttOptions &, sdk::SttSink sink, sdk::CancelToken cancel) override {
    const std::size_t n = next_.fetch_add(1);
    auto stream = std::make_shared<ScriptedStream>(host_, settings_, transcripts_[n % transcripts_.size()],
                                                   std::move(sink), cancel);
    stream->start();
    return std::make_unique<StreamHandle>(std::move(stream));
  }

 private:
  sdk::Host &host_;
  std::vector<std::string> transcripts_;
  Settings settings_;
  std::atomic<std::size_t> next_{0};
};

SWITCHBOARD_PLUGIN(ScriptedStt, "stt-scripted", "1.0.0", "Returns configured transcripts")
