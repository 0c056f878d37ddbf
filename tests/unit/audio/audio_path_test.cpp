// Turns, voice activity, metrics and barge-in on the shared recordings.
#include "audio/audio_path.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "plugin/cancel_source.hpp"
#include "support/testdata.hpp"

namespace switchboard::audio {
namespace {

std::vector<std::int16_t> load(const std::string &name) {
  return test::speech_samples(name);
}

struct Turn {
  std::int64_t start_ms;
  std::int64_t end_ms;
  std::size_t frames;
  UtteranceMetrics metrics;
};

class Recorder : public AudioPathListener {
 public:
  void on_vad(bool is_speech, bool ended) override { vad.emplace_back(is_speech, ended); }
  void on_utterance_start(std::int64_t start_ms) override { turns.push_back({start_ms, -1, 0, {}}); }
  void on_utterance_frame(std::span<const std::int16_t, kFrameSamples>) override { ++turns.back().frames; }
  void on_utterance_end(std::int64_t end_ms, const UtteranceMetrics &m) override {
    turns.back().end_ms = end_ms;
    turns.back().metrics = m;
  }
  void on_barge_in(std::int64_t at_ms) override {
    barge_ins.push_back(at_ms);
    if (on_barge) on_barge();
  }

  std::vector<std::pair<bool, bool>> vad;
  std::vector<Turn> turns;
  std::vector<std::int64_t> barge_ins;
  std::function<void()> on_barge;
};

// Pushes audio as a client would, 100 ms per message, pumping after each.
void stream(AudioPath &path, const std::vector<std::int16_t> &audio) {
  for (std::size_t at = 0; at < audio.size(); at += 1600) {
    path.push(std::span(audio).subspan(at, std::min<std::size_t>(1600, audio.size() - at)));
    path.pump();
  }
}

// Where speech is, by energy alone: runs of 20 ms frames over -40 dBFS,
// joined across gaps shorter than a second.
std::vector<std::pair<std::int64_t, std::int64_t>> loud_spans(const std::vector<std::int16_t> &audio) {
  std::vector<std::pair<std::int64_t, std::int64_t>> spans;
  for (std::size_t f = 0; f + kFrameSamples <= audio.size(); f += kFrameSamples) {
    double sum = 0;
    for (std::size_t i = 0; i < kFrameSamples; ++i) sum += std::pow(audio[f + i] / 32768.0, 2);
    if (std::sqrt(sum / kFrameSamples) < 0.01) continue;
    const auto ms = static_cast<std::int64_t>(f / 16);
    if (!spans.empty() && ms - spans.back().second < 1000) {
      spans.back().second = ms + 20;
    } else {
      spans.push_back({ms, ms + 20});
    }
  }
  return spans;
}

TEST(AudioPath, TwoTurnsYieldsExactlyTwoTurnsAtTheSilenceEdges) {
  const auto audio = load("two-turns.wav");
  Recorder r;
  AudioPath path({}, r);
  stream(path, audio);
  path.finish();
  const auto edges = loud_spans(audio);
  ASSERT_EQ(edges.size(), 2u) << "the recording itself has two spoken parts";
  ASSERT_EQ(r.turns.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(r.turns[i].start_ms, edges[i].first, 100) << "turn " << i + 1 << " start";
    EXPECT_NEAR(r.turns[i].end_ms, edges[i].second, 100) << "turn " << i + 1 << " end";
    EXPECT_GT(r.turns[i].metrics.duration_ms, 1000);
  }
}

TEST(AudioPath, SilenceAndNoiseYieldNoTurn) {
  for (const char *name : {"silence-2s.wav", "noise-2s.wav"}) {
    Recorder r;
    AudioPath path({}, r);
    stream(path, load(name));
    path.finish();
    EXPECT_TRUE(r.turns.empty()) << name;
    EXPECT_TRUE(r.vad.empty() || std::none_of(r.vad.begin(), r.vad.end(), [](auto v) { return v.first; }))
        << name << " never counts as speech";
  }
}

TEST(AudioPath, EachSpokenFileIsOneTurnWithItsPreroll) {
  for (const char *name : {"hello.wav", "crying.wav", "sleep.wav", "weather.wav", "lights.wav", "timer.wav",
                           "feeding.wav", "story.wav", "thanks.wav", "stop.wav"}) {
    Recorder r;
    AudioPath path({}, r);
    stream(path, load(name));
    path.finish();
    ASSERT_EQ(r.turns.size(), 1u) << name;
    const Turn &t = r.turns[0];
    // Every frame from the start (with up to 300 ms before it) to the end
    // and the trailing silence went to stt.
    const auto spoken = static_cast<std::size_t>((t.end_ms - t.start_ms) / 20);
    EXPECT_GE(t.frames, spoken) << name;
    EXPECT_LE(t.frames, spoken + (300 + 600 + 40) / 20) << name;
    EXPECT_GT(t.metrics.rms, 0.01) << name;
    EXPECT_GT(t.metrics.snr_db, 20) << name << ": speech over silence";
    EXPECT_GE(t.metrics.quality_score, 0.65) << name << " is clean speech: " << t.metrics.quality_label;
    ASSERT_GE(r.vad.size(), 2u);
    EXPECT_TRUE(r.vad.front().first);
    EXPECT_EQ(r.vad.back(), std::make_pair(false, true)) << "speech_ended closes the turn";
  }
}

TEST(AudioPath, AnUtteranceIsCutAtItsLimit) {
  Recorder r;
  AudioPathSettings settings;
  settings.turns.max_utterance_ms = 1000;
  AudioPath path(settings, r);
  stream(path, load("crying.wav"));  // about 2.6 s of speech
  path.finish();
  ASSERT_GE(r.turns.size(), 2u);
  EXPECT_LE(r.turns[0].end_ms - r.turns[0].start_ms, 1000);
}

TEST(AudioPath, AClickStartsNoTurn) {
  std::vector<std::int16_t> audio(16000, 0);
  for (std::size_t i = 8000; i < 8000 + 1600; ++i) audio[i] = static_cast<std::int16_t>(12000 * std::sin(i * 0.3));
  Recorder r;
  AudioPath path({}, r);
  stream(path, audio);
  path.finish();
  EXPECT_TRUE(r.turns.empty()) << "100 ms of sound is under min_speech_ms";
}

TEST(AudioPath, BargeInFiresTheCancelOnTheFrameOfTheDecisionAndDropsQueuedOutput) {
  const auto audio = load("hello.wav");
  Recorder r;
  AudioPath path({}, r);
  plugin::CancelSource turn;
  std::vector<int> queued_output(50, 1);  // audio chunks waiting for the client
  std::int64_t cancelled_at = -1;
  r.on_barge = [&] {
    turn.cancel();
    queued_output.clear();
    cancelled_at = path.position_ms();
  };
  path.set_speaking(true);
  // Frame by frame, to see exactly when it fires.
  std::int64_t speech_since = -1;
  for (std::size_t at = 0; at + kFrameSamples <= audio.size() && r.barge_ins.empty(); at += kFrameSamples) {
    path.push(std::span(audio).subspan(at, kFrameSamples));
    path.pump();
    if (speech_since < 0 && !r.vad.empty() && r.vad.back().first) speech_since = path.position_ms() - 20;
  }
  ASSERT_EQ(r.barge_ins.size(), 1u);
  EXPECT_TRUE(turn.cancelled());
  EXPECT_TRUE(queued_output.empty());
  EXPECT_EQ(cancelled_at, r.barge_ins[0]) << "the cancel fires within the frame of the decision";
  EXPECT_NEAR(r.barge_ins[0] - speech_since, 300, 60) << "after barge_in_min_ms of speech";
  // Still speaking: no second interrupt for the same stretch.
  stream(path, audio);
  EXPECT_EQ(r.barge_ins.size(), 1u);
}

TEST(AudioPath, NoBargeInWhileNotSpeaking) {
  Recorder r;
  AudioPath path({}, r);
  stream(path, load("hello.wav"));
  path.finish();
  EXPECT_TRUE(r.barge_ins.empty());
  EXPECT_EQ(r.turns.size(), 1u);
}

TEST(AudioPath, AProducerFarAheadIsCutAtTheRingAndCounted) {
  Recorder r;
  AudioPathSettings settings;
  settings.ring_seconds = 1;
  AudioPath path(settings, r);
  const std::vector<std::int16_t> three_seconds(48000, 0);
  EXPECT_EQ(path.push(three_seconds), 16384u);
  EXPECT_EQ(path.overruns(), 48000u - 16384u);
  EXPECT_EQ(path.pump(), 16384u / kFrameSamples);
}

}  // namespace
}  // namespace switchboard::audio
