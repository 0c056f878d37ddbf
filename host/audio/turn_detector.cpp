#include "audio/turn_detector.hpp"

#include <algorithm>
#include <cmath>

namespace switchboard::audio {
namespace {

constexpr int kFrameMs = 20;
// Silence that does not break a run of speech: the short gaps between words
// at the very start of an utterance.
constexpr int kRunGapMs = 40;

}  // namespace

TurnDetector::Event TurnDetector::on_frame(const FrameAnalysis &f, double noise_floor) {
  const std::int64_t frame_start = now_ms_;
  now_ms_ += kFrameMs;
  if (f.speech) {
    if (run_ms_ == 0) run_start_ms_ = frame_start;
    run_ms_ += kFrameMs;
    gap_ms_ = 0;
  } else if (run_ms_ > 0) {
    gap_ms_ += kFrameMs;
    if (gap_ms_ > kRunGapMs) run_ms_ = 0;
  }

  if (!in_utterance_) {
    if (run_ms_ >= settings_.min_speech_ms) {
      in_utterance_ = true;
      start_ms_ = run_start_ms_;
      end_ms_ = now_ms_;
      silence_ms_ = 0;
      sum_squares_ = 0;
      peak_ = 0;
      floor_sum_ = 0;
      speech_frames_ = 0;
      return Event::started;
    }
    return Event::none;
  }

  if (f.speech) {
    end_ms_ = now_ms_;
    silence_ms_ = 0;
    sum_squares_ += f.rms * f.rms;
    peak_ = std::max(peak_, f.peak);
    floor_sum_ += noise_floor;
    ++speech_frames_;
  } else {
    silence_ms_ += kFrameMs;
  }
  if (silence_ms_ >= settings_.trailing_silence_ms || now_ms_ - start_ms_ >= settings_.max_utterance_ms) {
    in_utterance_ = false;
    run_ms_ = 0;
    score();
    return Event::ended;
  }
  return Event::none;
}

void TurnDetector::score() {
  UtteranceMetrics m;
  m.duration_ms = end_ms_ - start_ms_;
  if (speech_frames_ > 0) {
    m.rms = std::sqrt(sum_squares_ / speech_frames_);
    m.peak = peak_;
    const double floor = std::max(floor_sum_ / speech_frames_, 1e-5);  // -100 dBFS at worst
    m.snr_db = 20 * std::log10(m.rms / floor);
  }
  // Good speech: well above the noise, loud enough, not clipped.
  const double snr_part = std::clamp(m.snr_db / 40.0, 0.0, 1.0);
  const double level_part = std::clamp((20 * std::log10(std::max(m.rms, 1e-5)) + 50) / 30.0, 0.0, 1.0);
  const double clip_penalty = m.peak >= 0.999 ? 0.3 : 0.0;
  m.quality_score = std::clamp(0.6 * snr_part + 0.4 * level_part - clip_penalty, 0.0, 1.0);
  m.quality_label = m.quality_score >= 0.85   ? "Excellent"
                    : m.quality_score >= 0.65 ? "Good"
                    : m.quality_score >= 0.4  ? "Fair"
                                              : "Poor";
  metrics_ = m;
}

}  // namespace switchboard::audio
