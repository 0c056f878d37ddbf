// tts-espeak: eSpeak NG, offline, 100+ languages at 22050 Hz, streamed as it
// synthesises, with each word's start. eSpeak NG keeps global state and crashes under concurrent
// synthesis: every call into it, from every instance, is serialised.
//
// config:
//   voice: en-us        a voice or language name (see the voice list)
//   words_per_minute: 175
#include <algorithm>
#include <memory>
#include <mutex>

#include <espeak-ng/speak_lib.h>

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

std::mutex &espeak_mutex() {
  static std::mutex m;
  return m;
}

// The synthesis in progress (one at a time, under the mutex).
struct Current {
  sdk::TtsSink *sink;
  const sdk::CancelToken *cancel;
  std::uint32_t rate;
  const std::string *text;
  std::uint64_t delivered = 0;  // samples handed to the sink so far
};

// The byte offset of the character eSpeak NG counts as `position` (1-based,
// in UTF-8 characters).
std::size_t byte_of_character(const std::string &text, int position) {
  std::size_t at = 0;
  for (int seen = 1; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (seen++ == position) return at;
  }
  return text.size();
}

int on_samples(short *wav, int count, espeak_EVENT *events) {
  auto *current = static_cast<Current *>(events->user_data);
  if (current == nullptr) return 0;
  if (current->cancel->cancelled()) return 1;  // stop synthesis
  // The words this buffer begins, before its audio.
  for (const espeak_EVENT *e = events; e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    if (e->type != espeakEVENT_WORD) continue;
    // audio_position is whole milliseconds: a word this buffer begins may
    // round to a sample just before it, already heard. It starts here.
    const auto sample = std::max<std::uint64_t>(
        static_cast<std::uint64_t>(std::max(0, e->audio_position)) * current->rate / 1000, current->delivered);
    current->sink->word(byte_of_character(*current->text, e->text_position), sample);
  }
  if (wav != nullptr && count > 0) {
    current->sink->audio(wav, static_cast<std::size_t>(count), current->rate);
    current->delivered += static_cast<std::uint64_t>(count);
  }
  return 0;
}

// Selects a voice by name ("English_(America)") or by language ("en-gb", as
// the voice list gives them). Call under the mutex.
bool select_voice(const std::string &voice) {
  if (espeak_SetVoiceByName(voice.c_str()) == EE_OK) return true;
  espeak_VOICE spec{};
  spec.languages = voice.c_str();
  if (espeak_SetVoiceByProperties(&spec) != EE_OK) return false;
  // eSpeak NG falls back to some voice: accept it only if it speaks that language.
  const espeak_VOICE *chosen = espeak_GetCurrentVoice();
  return chosen != nullptr && chosen->languages != nullptr && voice == chosen->languages + 1;
}

// Initialises eSpeak NG once per process; returns its sample rate.
int initialise() {
  static int rate = [] {
    const int r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 100, nullptr, 0);
    if (r > 0) espeak_SetSynthCallback(&on_samples);
    return r;
  }();
  return rate;
}

}  // namespace

class EspeakTts : public sdk::Tts {
 public:
  explicit EspeakTts(sdk::Host &host)
      : host_(host), voice_(host.config().value("voice", "en-us")), wpm_(host.config().value("words_per_minute", 175)) {
    std::lock_guard lock(espeak_mutex());
    rate_ = initialise();
    if (rate_ <= 0) throw sdk::Error(sdk::Status::fatal, "cannot initialise eSpeak NG (is espeak-ng-data installed?)");
    if (!select_voice(voice_)) throw sdk::Error(sdk::Status::fatal, "unknown eSpeak NG voice '" + voice_ + "'");
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c, {"voice", "words_per_minute"}, errors)) return;
    cfg::expect_string(c, "voice", errors);
    cfg::expect_integer(c, "words_per_minute", errors, 80, 450);
  }

  std::vector<sdk::Voice> voices() override {
    std::lock_guard lock(espeak_mutex());
    std::vector<sdk::Voice> out;
    for (const espeak_VOICE **v = espeak_ListVoices(nullptr); v != nullptr && *v != nullptr; ++v) {
      // languages: a priority byte, then a NUL-terminated name, repeated.
      const char *language = (*v)->languages != nullptr ? (*v)->languages + 1 : "";
      const char *gender = (*v)->gender == 1 ? "male" : (*v)->gender == 2 ? "female" : "";
      out.push_back({language, (*v)->name != nullptr ? (*v)->name : language, language, gender,
                     static_cast<std::uint32_t>(rate_)});
    }
    return out;
  }

  // Synthesis blocks, so it runs on a host worker.
  void synthesize(const sdk::TtsRequest &request, sdk::TtsSink sink, sdk::CancelToken cancel) override {
    const std::string voice = request.voice.empty() ? voice_ : request.voice;
    host_.post([this, text = request.text, voice, sink, cancel]() mutable { render(text, voice, sink, cancel); });
  }

 private:
  void render(const std::string &text, const std::string &voice, sdk::TtsSink &sink, const sdk::CancelToken &cancel) {
    std::lock_guard lock(espeak_mutex());
    if (!select_voice(voice)) {
      sink.fail(sdk::Status::invalid_input, "unknown voice '" + voice + "'");
      return;
    }
    espeak_SetParameter(espeakRATE, wpm_, 0);
    Current current{&sink, &cancel, static_cast<std::uint32_t>(rate_), &text};
    const espeak_ERROR rc =
        espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, &current);
    if (cancel.cancelled()) {
      sink.fail(sdk::Status::cancelled, "cancelled");
    } else if (rc != EE_OK) {
      sink.fail(sdk::Status::retryable, "eSpeak NG could not synthesise");
    } else {
      sink.done();
    }
  }

  sdk::Host &host_;
  std::string voice_;
  int wpm_;
  int rate_ = 0;
};

SWITCHBOARD_PLUGIN(EspeakTts, "tts-espeak", "1.0.0", "eSpeak NG speech synthesis (offline, 100+ languages)")
