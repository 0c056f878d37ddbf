#include "app/ask_command.hpp"

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>
#include <ostream>

#include "audio/resampler.hpp"
#include "audio/wav.hpp"

namespace switchboard::app {
namespace {

class Printer : public resilience::LlmListener {
 public:
  explicit Printer(std::ostream &out) : out_(out) {}

  void on_token(std::string_view text) override {
    if (first_token_ == std::chrono::steady_clock::time_point{}) first_token_ = std::chrono::steady_clock::now();
    out_ << text << std::flush;
  }
  void on_event(const resilience::ChainEvent &e) override {
    if (e.type == resilience::ChainEvent::Type::fallback) ++fallbacks_;
  }
  void on_done(const resilience::Outcome &outcome) override {
    std::lock_guard lock(mutex_);
    outcome_ = outcome;
    done_ = true;
    done_cv_.notify_all();
  }

  resilience::Outcome wait() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return done_; });
    return outcome_;
  }
  int fallbacks() const { return fallbacks_; }
  std::chrono::steady_clock::time_point first_token() const { return first_token_; }

 private:
  std::ostream &out_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  resilience::Outcome outcome_;
  int fallbacks_ = 0;
  std::chrono::steady_clock::time_point first_token_{};
};

// A session's events on the terminal: what was heard, the answer as it
// streams, errors; the speech is kept for --speak.
class TurnPrinter : public conversation::SessionObserver {
 public:
  TurnPrinter(std::ostream &out, std::ostream &err) : out_(out), err_(err) {}

  void on_event(const conversation::Event &e) override {
    namespace ev = conversation::event;
    std::lock_guard lock(mutex_);
    if (const auto *t = std::get_if<ev::Transcript>(&e.body); t && t->is_final) {
      err_ << "heard: " << t->text << "\n" << std::flush;
    } else if (const auto *c = std::get_if<ev::TextChunk>(&e.body)) {
      out_ << c->text << std::flush;
    } else if (const auto *a = std::get_if<ev::AudioChunk>(&e.body)) {
      speech_.push_back({{a->samples.begin(), a->samples.end()}, static_cast<int>(a->sample_rate), 1});
    } else if (const auto *x = std::get_if<ev::Error>(&e.body)) {
      err_ << "error: " << x->code << ": " << x->message << "\n";
    } else if (const auto *done = std::get_if<ev::TurnComplete>(&e.body)) {
      complete_ = *done;
      cv_.notify_all();
    }
  }

  conversation::event::TurnComplete wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return complete_.has_value(); });
    return *complete_;
  }

  // The speech as one recording (at 16 kHz if providers of different rates spoke).
  audio::Pcm speech() {
    std::lock_guard lock(mutex_);
    audio::Pcm all{{}, speech_.empty() ? audio::kPipelineRate : speech_.front().sample_rate, 1};
    const bool mixed = std::any_of(speech_.begin(), speech_.end(),
                                   [&](const audio::Pcm &p) { return p.sample_rate != all.sample_rate; });
    if (mixed) all.sample_rate = audio::kPipelineRate;
    for (const auto &p : speech_) {
      const auto part = mixed ? audio::to_pipeline(p) : p.samples;
      all.samples.insert(all.samples.end(), part.begin(), part.end());
    }
    return all;
  }

 private:
  std::ostream &out_;
  std::ostream &err_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<conversation::event::TurnComplete> complete_;
  std::vector<audio::Pcm> speech_;
};

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

// --listen / --speak: whole turns through one session, as a transport runs them.
int run_session_ask(const Command &cmd, Application &application, std::ostream &out, std::ostream &err) {
  std::vector<std::uint8_t> recording;
  if (!cmd.listen.empty()) {
    std::ifstream in(cmd.listen, std::ios::binary);
    if (!in) {
      err << "cannot read " << cmd.listen << "\n";
      return 1;
    }
    recording.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto session = application.conversations()->session();
  int failures = 0;
  audio::Pcm speech;
  for (int turn = 1; turn <= cmd.repeat; ++turn) {
    auto printer = std::make_shared<TurnPrinter>(out, err);
    session->attach(printer);
    if (!recording.empty()) {
      std::string error;
      if (!session->push_audio(recording, error)) {
        err << cmd.listen << ": " << error << "\n";
        return 1;
      }
      session->end_audio();
    } else {
      session->send_text(cmd.text, !cmd.speak.empty());
    }
    const auto done = printer->wait();
    out << "\n" << std::flush;
    session->detach(printer.get());
    speech = printer->speech();
    const auto &t = done.timings;
    err << "turn " << turn << ": answered by " << (done.llm_provider.empty() ? "nobody" : done.llm_provider)
        << "; first text after " << static_cast<long>(t.first_token_ms) << " ms, first audio after "
        << static_cast<long>(t.first_audio_ms) << " ms, done after " << static_cast<long>(t.total_ms) << " ms"
        << (recording.empty() ? "" : " (from the end of speech)") << "\n";
    failures += done.assistant_text.empty() ? 1 : 0;
  }
  if (!cmd.speak.empty()) {
    const auto bytes = audio::encode_wav(speech.samples, speech.sample_rate, 1);
    std::ofstream(cmd.speak, std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    err << "wrote " << speech.seconds() << " s of speech to " << cmd.speak << "\n";
  }
  return failures == 0 ? 0 : 1;
}

int run_ask(const Command &cmd, Application &application, std::ostream &out, std::ostream &err) {
  if (!cmd.listen.empty() || !cmd.speak.empty()) return run_session_ask(cmd, application, out, err);
  int failures = 0;
  for (int turn = 1; turn <= cmd.repeat; ++turn) {
    auto chains = application.chains();
    Printer printer(out);
    resilience::LlmChainRequest request;
    request.messages = {{"user", cmd.text}};
    const auto start = std::chrono::steady_clock::now();
    auto call = chains->llm()->start(std::move(request), printer);
    const resilience::Outcome outcome = printer.wait();
    const auto end = std::chrono::steady_clock::now();
    out << "\n" << std::flush;
    if (outcome.ok()) {
      err << "turn " << turn << ": answered by " << call->answered_by() << ", first token after "
          << static_cast<long>(ms_between(start, printer.first_token())) << " ms, done after "
          << static_cast<long>(ms_between(start, end)) << " ms, " << printer.fallbacks() << " fallback(s)\n";
    } else {
      ++failures;
      err << "turn " << turn << ": failed (" << sdk::to_string(outcome.status) << "): " << outcome.message << "\n";
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace switchboard::app
