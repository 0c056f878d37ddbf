#include "audio/audio_path.hpp"

#include <algorithm>

namespace switchboard::audio {

AudioPath::AudioPath(AudioPathSettings settings, AudioPathListener &listener)
    : settings_(settings),
      listener_(listener),
      ring_(settings.ring_seconds * kPipelineRate),
      vad_(settings.vad),
      turns_(settings.turns) {}

std::size_t AudioPath::pump() {
  std::size_t frames = 0;
  while (ring_.size() >= kFrameSamples) {
    ring_.read(frame_.data(), kFrameSamples);
    process(frame_);
    ++frames;
  }
  return frames;
}

void AudioPath::finish() {
  pump();
  const std::size_t left = ring_.size();
  if (left > 0) {
    frame_.fill(0);
    ring_.read(frame_.data(), left);
    process(frame_);
  }
  // Enough silence to close an open utterance.
  frame_.fill(0);
  while (turns_.in_utterance()) process(frame_);
}

void AudioPath::process(std::span<const std::int16_t, kFrameSamples> frame) {
  const FrameAnalysis a = vad_.analyze(frame);
  const bool was_in = turns_.in_utterance();
  const TurnDetector::Event event = turns_.on_frame(a, vad_.noise_floor());

  if (a.speech != last_speech_) {
    last_speech_ = a.speech;
    listener_.on_vad(a.speech, false);
  }

  if (event == TurnDetector::Event::started) {
    listener_.on_utterance_start(turns_.start_ms());
    // The frames from the detected start up to this one, kept in the pre-roll.
    const std::size_t keep = std::min<std::size_t>(
        preroll_count_,
        static_cast<std::size_t>(std::max<std::int64_t>(settings_.preroll_ms, turns_.now_ms() - turns_.start_ms())) /
            20);
    for (std::size_t i = keep; i > 0; --i) {
      listener_.on_utterance_frame(preroll_[(preroll_next_ + kMaxPreroll - i) % kMaxPreroll]);
    }
    preroll_count_ = 0;
  }
  if (was_in || event == TurnDetector::Event::started) {
    listener_.on_utterance_frame(frame);
  } else {
    std::copy(frame.begin(), frame.end(), preroll_[preroll_next_].begin());
    preroll_next_ = (preroll_next_ + 1) % kMaxPreroll;
    preroll_count_ = std::min(preroll_count_ + 1, kMaxPreroll);
  }
  if (event == TurnDetector::Event::ended) {
    listener_.on_vad(false, true);
    listener_.on_utterance_end(turns_.end_ms(), turns_.metrics());
  }

  // Barge-in: once per stretch of speaking, when the user's speech has lasted.
  if (!speaking_.load(std::memory_order_acquire)) {
    barged_ = false;
  } else if (!barged_ && turns_.speech_run_ms() >= settings_.turns.barge_in_min_ms) {
    barged_ = true;
    listener_.on_barge_in(turns_.now_ms());
  }
}

}  // namespace switchboard::audio
