// Turns from per-frame speech decisions: an utterance starts after
// min_speech_ms of speech (so clicks start nothing) and ends after
// trailing_silence_ms without speech, or at max_utterance_ms. Times are in
// milliseconds of audio since the stream began. Also scores each utterance
// (the audio_metrics of the voice-assistant API).
#pragma once

#include <cstdint>
#include <string>

#include "audio/voice_detector.hpp"

namespace switchboard::audio {

struct TurnSettings {
  int min_speech_ms = 200;
  int trailing_silence_ms = 600;
  int max_utterance_ms = 30000;
  int barge_in_min_ms = 300;
};

struct UtteranceMetrics {
  double rms = 0;   // of the speech, 0..1
  double peak = 0;  // 0..1
  double snr_db = 0;
  double quality_score = 0;            // 0..1
  const char *quality_label = "Poor";  // Excellent, Good, Fair, Poor
  std::int64_t duration_ms = 0;
};

class TurnDetector {
 public:
  enum class Event { none, started, ended };

  explicit TurnDetector(TurnSettings settings) : settings_(settings) {}

  // [audio-thread] One 20 ms frame's analysis; no allocation.
  Event on_frame(const FrameAnalysis &frame, double noise_floor);

  bool in_utterance() const noexcept { return in_utterance_; }
  // Length of the current run of speech frames, for barge-in.
  int speech_run_ms() const noexcept { return run_ms_; }
  std::int64_t start_ms() const noexcept { return start_ms_; }
  std::int64_t end_ms() const noexcept { return end_ms_; }
  std::int64_t now_ms() const noexcept { return now_ms_; }
  // The utterance that just ended (after Event::ended).
  const UtteranceMetrics &metrics() const noexcept { return metrics_; }

 private:
  void score();

  TurnSettings settings_;
  std::int64_t now_ms_ = 0;
  bool in_utterance_ = false;
  int run_ms_ = 0;      // current run of speech
  int gap_ms_ = 0;      // silence inside a candidate run
  int silence_ms_ = 0;  // trailing silence in an utterance
  std::int64_t run_start_ms_ = 0;
  std::int64_t start_ms_ = 0;
  std::int64_t end_ms_ = 0;
  double sum_squares_ = 0;
  double peak_ = 0;
  double floor_sum_ = 0;
  int speech_frames_ = 0;
  UtteranceMetrics metrics_;
};

}  // namespace switchboard::audio
