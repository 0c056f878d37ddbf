// tts-flite: CMU Flite voices, offline. A sentence is rendered whole, then
// streamed in chunks, each word's start reported first; cancelling stops
// between chunks.
//
// config:
//   voice: slt          slt, kal16, awb, rms (16 kHz) or kal (8 kHz)
//   chunk_ms: 100
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

extern "C" {
#include <flite/flite.h>
cst_voice *register_cmu_us_slt(const char *voxdir);
cst_voice *register_cmu_us_kal16(const char *voxdir);
cst_voice *register_cmu_us_kal(const char *voxdir);
cst_voice *register_cmu_us_awb(const char *voxdir);
cst_voice *register_cmu_us_rms(const char *voxdir);
}

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

struct VoiceInfo {
  const char *id;
  const char *name;
  const char *gender;
  std::uint32_t rate;
  cst_voice *(*reg)(const char *);
};

const VoiceInfo kVoices[] = {
    {"slt", "CMU SLT (US English)", "female", 16000, &register_cmu_us_slt},
    {"kal16", "CMU Kal (US English)", "male", 16000, &register_cmu_us_kal16},
    {"awb", "CMU AWB (Scottish English)", "male", 16000, &register_cmu_us_awb},
    {"rms", "CMU RMS (US English)", "male", 16000, &register_cmu_us_rms},
    {"kal", "CMU Kal 8 kHz (US English)", "male", 8000, &register_cmu_us_kal},
};

// Flite keeps process-wide state (lexicons, registered voices): one call at
// a time in the whole process.
std::mutex &flite_mutex() {
  static std::mutex m;
  return m;
}

cst_voice *voice_named(const std::string &id) {
  static std::map<std::string, cst_voice *> loaded;
  static bool initialised = false;
  if (!initialised) {
    flite_init();
    initialised = true;
  }
  if (const auto it = loaded.find(id); it != loaded.end()) return it->second;
  for (const auto &v : kVoices) {
    if (id == v.id) return loaded[id] = v.reg(nullptr);
  }
  return nullptr;
}

}  // namespace

namespace {

struct WordStart {
  std::size_t text_offset;
  std::uint64_t sample;
};

// Where each token of the text begins: the end of the segment (a phone or
// the pause) before its first phone. Tokens are found in the text in order
// by their name (flite keeps punctuation apart); a token flite expanded
// into words of its own ("42") still begins where it stands. Under the
// flite mutex.
std::vector<WordStart> word_starts(cst_utterance *utt, const std::string &text, int rate) {
  std::vector<WordStart> out;
  std::size_t cursor = 0;
  for (cst_item *token = relation_head(utt_relation(utt, "Token")); token != nullptr; token = item_next(token)) {
    const std::string name = item_feat_string(token, "name");
    if (name.empty() || item_daughter(token) == nullptr) continue;
    const std::size_t at = text.find(name, cursor);
    if (at == std::string::npos) continue;
    cursor = at + name.size();
    const float seconds = ffeature_float(token, "daughter1.R:SylStructure.daughter1.daughter1.R:Segment.p.end");
    const auto sample = static_cast<std::uint64_t>(std::max(0.0F, seconds) * static_cast<float>(rate));
    if (!out.empty() && sample < out.back().sample) continue;  // keep them in order
    out.push_back({at, sample});
  }
  return out;
}

}  // namespace

class FliteTts : public sdk::Tts {
 public:
  explicit FliteTts(sdk::Host &host)
      : host_(host), voice_(host.config().value("voice", "slt")), chunk_ms_(host.config().value("chunk_ms", 100)) {
    std::lock_guard lock(flite_mutex());
    if (voice_named(voice_) == nullptr) throw sdk::Error(sdk::Status::fatal, "unknown flite voice '" + voice_ + "'");
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c, {"voice", "chunk_ms"}, errors)) return;
    cfg::expect_string(c, "voice", errors);
    cfg::expect_integer(c, "chunk_ms", errors, 10, 5000);
    if (c.contains("voice") && c["voice"].is_string()) {
      bool known = false;
      for (const auto &v : kVoices) known = known || c["voice"] == v.id;
      if (!known) errors.add("/voice", "unknown voice; flite has slt, kal16, awb, rms, kal");
    }
  }

  std::vector<sdk::Voice> voices() override {
    std::vector<sdk::Voice> out;
    for (const auto &v : kVoices) out.push_back({v.id, v.name, "en-US", v.gender, v.rate});
    return out;
  }

  void synthesize(const sdk::TtsRequest &request, sdk::TtsSink sink, sdk::CancelToken cancel) override {
    const std::string voice = request.voice.empty() ? voice_ : request.voice;
    bool known = false;
    for (const auto &v : kVoices) known = known || voice == v.id;
    if (!known) throw sdk::Error(sdk::Status::invalid_input, "unknown voice '" + voice + "'");
    host_.post([this, text = request.text, voice, sink, cancel]() mutable { render(text, voice, sink, cancel); });
  }

 private:
  void render(const std::string &text, const std::string &voice, sdk::TtsSink &sink, const sdk::CancelToken &cancel) {
    std::vector<std::int16_t> samples;
    std::vector<WordStart> words;
    int rate = 0;
    {
      std::lock_guard lock(flite_mutex());
      cst_utterance *utt = flite_synth_text(text.c_str(), voice_named(voice));
      const cst_wave *wave = utt != nullptr ? utt_wave(utt) : nullptr;
      if (wave == nullptr) {
        if (utt != nullptr) delete_utterance(utt);
        sink.fail(sdk::Status::fatal, "flite produced no audio");
        return;
      }
      samples.assign(wave->samples, wave->samples + wave->num_samples);
      rate = wave->sample_rate;
      words = word_starts(utt, text, rate);
      delete_utterance(utt);
    }
    // Every word's start is known before its audio: report them all first.
    for (const auto &w : words) sink.word(w.text_offset, w.sample);
    const std::size_t chunk = static_cast<std::size_t>(rate * chunk_ms_ / 1000);
    for (std::size_t at = 0; at < samples.size(); at += chunk) {
      if (cancel.cancelled()) {
        sink.fail(sdk::Status::cancelled, "cancelled");
        return;
      }
      sink.audio(samples.data() + at, std::min(chunk, samples.size() - at), static_cast<std::uint32_t>(rate));
    }
    sink.done();
  }

  sdk::Host &host_;
  std::string voice_;
  int chunk_ms_;
};

SWITCHBOARD_PLUGIN(FliteTts, "tts-flite", "1.0.0", "CMU Flite speech synthesis (offline)")
