// stt-deepgram: Deepgram's live WebSocket API (audio streamed as it is
// spoken, interim results as partials, finals joined when the utterance
// ends with CloseStream), or its prerecorded REST API (the utterance posted
// whole as WAV).
//
// config (plus the connection settings of switchboard/http/endpoint.hpp):
//   api_key: ${env:DEEPGRAM_API_KEY}   required
//   mode: live                         live or prerecorded
//   model: nova-3
//   language: en-US
//   interim_results: true              live: partial transcripts
//   endpointing_ms: 300                live: Deepgram's own end-of-speech (speech_final)
//   smart_format: true
//   max_utterance_seconds: 60          prerecorded: the longest utterance kept
#include <atomic>
#include <memory>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "switchboard/http/cancel_link.hpp"
#include "switchboard/http/client.hpp"
#include "switchboard/http/endpoint.hpp"
#include "switchboard/http/upload_stream.hpp"
#include "switchboard/http/url.hpp"
#include "switchboard/http/websocket.hpp"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/sdk/wav.hpp"

namespace sdk = switchboard::sdk;
namespace http = switchboard::http;
namespace asio = boost::asio;

namespace {

// Samples from the audio thread to the I/O thread: one writer, one reader,
// no locks, no allocation after construction.
class SampleRing {
 public:
  explicit SampleRing(std::size_t capacity) : data_(capacity) {}
  // [audio thread] False when full (the reader fell behind).
  bool push(const std::int16_t *s, std::size_t n) {
    const auto head = head_.load(std::memory_order_relaxed);
    const auto tail = tail_.load(std::memory_order_acquire);
    if (head - tail + n > data_.size()) return false;
    for (std::size_t i = 0; i < n; ++i) data_[(head + i) % data_.size()] = s[i];
    head_.store(head + n, std::memory_order_release);
    return true;
  }
  // [I/O thread] Everything written so far, as little-endian bytes.
  std::string pop_bytes() {
    const auto tail = tail_.load(std::memory_order_relaxed);
    const auto head = head_.load(std::memory_order_acquire);
    std::string out;
    out.reserve((head - tail) * 2);
    for (auto i = tail; i < head; ++i) {
      const auto v = static_cast<std::uint16_t>(data_[i % data_.size()]);
      out.push_back(static_cast<char>(v & 0xff));
      out.push_back(static_cast<char>(v >> 8));
    }
    tail_.store(head, std::memory_order_release);
    return out;
  }

 private:
  std::vector<std::int16_t> data_;
  std::atomic<std::size_t> head_{0};
  std::atomic<std::size_t> tail_{0};
};

std::string transcript_of(const nlohmann::json &results, float &confidence) {
  const auto &alts = results["channel"]["alternatives"];
  if (!alts.is_array() || alts.empty()) return {};
  confidence = alts[0].value("confidence", 0.0F);
  return alts[0].value("transcript", "");
}

// One live utterance. Everything but feed() runs on the client's I/O thread.
struct Live : std::enable_shared_from_this<Live> {
  Live(asio::io_context &io, sdk::SttSink s) : timer(io), sink(std::move(s)), ring(16000 * 10) {}

  asio::steady_timer timer;
  sdk::SttSink sink;
  SampleRing ring;
  std::atomic<bool> overflow{false};
  http::CancelLink link;
  std::shared_ptr<http::WebSocket> socket;
  std::string finals;
  float confidence_sum = 0;
  int final_count = 0;
  bool finishing = false;
  bool closed = false;
  std::optional<sdk::Outcome> failure;

  void drain() {
    if (overflow.load()) {
      failure = sdk::Outcome{sdk::Status::retryable, "audio backed up: the connection is too slow", 0};
      socket->cancel();
      return;
    }
    std::string bytes = ring.pop_bytes();
    if (!bytes.empty()) socket->send_binary(std::move(bytes));
  }

  void tick() {
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([self = shared_from_this()](const boost::system::error_code &ec) {
      if (ec || self->closed || self->finishing) return;
      self->drain();
      self->tick();
    });
  }

  void message(std::string_view text) {
    const auto m = nlohmann::json::parse(text, nullptr, false);
    if (!m.is_object()) {
      failure = sdk::Outcome{sdk::Status::retryable, "malformed message from the transcription stream", 0};
      socket->cancel();
      return;
    }
    const std::string type = m.value("type", "");
    if (type == "Results") {
      float confidence = 0;
      const std::string t = transcript_of(m, confidence);
      if (m.value("is_final", false)) {
        if (!t.empty()) {
          finals += (finals.empty() ? "" : " ") + t;
          confidence_sum += confidence;
          ++final_count;
        }
        if (!finals.empty()) sink.partial(finals);
      } else if (!t.empty()) {
        sink.partial(finals.empty() ? t : finals + " " + t);
      }
    } else if (type == "Error" || m.contains("err_msg")) {
      failure = sdk::Outcome{sdk::Status::retryable,
                             "the transcription stream failed: " + m.value("description", m.value("err_msg", "")), 0};
      socket->cancel();
    }
  }

  void closed_with(const sdk::Outcome &outcome) {
    closed = true;
    timer.cancel();
    const bool cancelled = link.cancelled();
    link.release();
    if (cancelled && !(finishing && outcome.ok() && !failure)) {
      // However the socket ended after a cancel, the call was cancelled.
      sink.fail(sdk::Status::cancelled, "cancelled");
    } else if (failure) {
      sink.fail(*failure);
    } else if (!outcome.ok()) {
      sink.fail(outcome);
    } else if (!finishing) {
      sink.fail(sdk::Status::retryable, "the transcription stream closed before the utterance ended");
    } else {
      sink.final_text(finals, final_count > 0 ? confidence_sum / static_cast<float>(final_count) : 0.0F);
      sink.done();
    }
  }
};

class LiveStream : public sdk::SttStream {
 public:
  LiveStream(std::shared_ptr<Live> live, std::shared_ptr<http::Client> client)
      : live_(std::move(live)), client_(std::move(client)) {}
  void feed(const std::int16_t *samples, std::size_t count) override {
    if (!live_->ring.push(samples, count)) live_->overflow.store(true);
  }
  void finish() override {
    asio::post(client_->context(), [live = live_] {
      if (live->closed || live->finishing) return;
      live->drain();
      live->finishing = true;
      live->socket->send_text(R"({"type":"CloseStream"})");
    });
  }

 private:
  std::shared_ptr<Live> live_;
  std::shared_ptr<http::Client> client_;  // the I/O thread outlives the stream
};

}  // namespace

class DeepgramStt : public sdk::Stt {
 public:
  explicit DeepgramStt(sdk::Host &host)
      : endpoint_(http::Endpoint::from(host.config(), "https://api.deepgram.com")), client_(http::Client::shared()) {
    const auto &c = host.config();
    live_ = c.value("mode", "live") == "live";
    model_ = c.value("model", "nova-3");
    language_ = c.value("language", "en-US");
    interim_ = c.value("interim_results", true);
    endpointing_ms_ = c.value("endpointing_ms", 300);
    smart_format_ = c.value("smart_format", true);
    max_seconds_ = c.value("max_utterance_seconds", 60);
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!http::Endpoint::allow_only(
            c,
            {"mode", "model", "language", "interim_results", "endpointing_ms", "smart_format", "max_utterance_seconds"},
            errors)) {
      return;
    }
    http::Endpoint::validate(c, errors, true);
    if (c.contains("mode") && c["mode"] != "live" && c["mode"] != "prerecorded") {
      errors.add("/mode", "'mode' must be live or prerecorded");
    }
    cfg::expect_string(c, "model", errors);
    cfg::expect_string(c, "language", errors);
    cfg::expect_bool(c, "interim_results", errors);
    cfg::expect_integer(c, "endpointing_ms", errors, 10, 10000);
    cfg::expect_bool(c, "smart_format", errors);
    cfg::expect_integer(c, "max_utterance_seconds", errors, 1, 600);
  }

  std::unique_ptr<sdk::SttStream> open(const sdk::SttOptions &options, sdk::SttSink sink,
                                       sdk::CancelToken cancel) override {
    const std::string language = options.language.empty() ? language_ : options.language;
    return live_ ? open_live(options.sample_rate, language, std::move(sink), cancel)
                 : open_prerecorded(options.sample_rate, language, std::move(sink), cancel);
  }

 private:
  std::vector<std::pair<std::string, std::string>> query(const std::string &language) const {
    return {{"model", model_}, {"language", language}, {"smart_format", smart_format_ ? "true" : "false"}};
  }

  std::unique_ptr<sdk::SttStream> open_live(std::uint32_t rate, const std::string &language, sdk::SttSink sink,
                                            const sdk::CancelToken &cancel) {
    auto q = query(language);
    q.insert(q.end(), {{"encoding", "linear16"},
                       {"sample_rate", std::to_string(rate)},
                       {"channels", "1"},
                       {"interim_results", interim_ ? "true" : "false"},
                       {"endpointing", std::to_string(endpointing_ms_)}});
    const http::Request base = endpoint_.request("v1/listen" + http::query_string(q));
    http::WebSocket::Options options;
    options.url = base.url;
    options.headers = base.headers;
    options.headers.push_back({"Authorization", "Token " + endpoint_.api_key});
    options.connect_timeout = base.connect_timeout;
    options.verify_tls = base.verify_tls;
    options.ca_file = base.ca_file;
    options.secrets = base.secrets;

    auto live = std::make_shared<Live>(client_->context(), std::move(sink));
    http::WebSocket::Handlers handlers;
    handlers.on_open = [live] { live->tick(); };
    handlers.on_text = [live](std::string_view text) { live->message(text); };
    handlers.on_close = [live](const sdk::Outcome &outcome) { live->closed_with(outcome); };
    live->link.arm(cancel);
    live->socket = http::WebSocket::connect(client_->context(), std::move(options), std::move(handlers));
    live->link.attach([socket = live->socket] { socket->cancel(); });
    return std::make_unique<LiveStream>(live, client_);
  }

  std::unique_ptr<sdk::SttStream> open_prerecorded(std::uint32_t rate, const std::string &language, sdk::SttSink sink,
                                                   const sdk::CancelToken &cancel) {
    auto make = [this, language, rate](const std::int16_t *samples, std::size_t count) {
      http::Request r = endpoint_.request("v1/listen" + http::query_string(query(language)));
      r.headers.push_back({"Authorization", "Token " + endpoint_.api_key});
      r.headers.push_back({"Content-Type", "audio/wav"});
      r.body = switchboard::sdk::wav_file(samples, count, rate);
      return r;
    };
    auto read = [](std::string_view body, sdk::SttSink &out) -> sdk::Outcome {
      const auto answer = nlohmann::json::parse(body, nullptr, false);
      try {
        const auto &alt = answer.at("results").at("channels").at(0).at("alternatives").at(0);
        out.final_text(alt.value("transcript", ""), alt.value("confidence", 0.0F));
        return {};
      } catch (const nlohmann::json::exception &) {
        return {sdk::Status::retryable, "the transcription answer has no transcript", 0};
      }
    };
    return std::make_unique<http::UploadStream>(client_, static_cast<std::size_t>(max_seconds_) * rate, make, read,
                                                std::move(sink), cancel);
  }

  http::Endpoint endpoint_;
  std::shared_ptr<http::Client> client_;
  bool live_;
  std::string model_;
  std::string language_;
  bool interim_;
  int endpointing_ms_;
  bool smart_format_;
  int max_seconds_;
};

SWITCHBOARD_PLUGIN(DeepgramStt, "stt-deepgram", "1.0.0",
                   "Transcription by Deepgram, live over WebSocket or prerecorded")
