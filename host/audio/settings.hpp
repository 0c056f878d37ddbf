// The audio core's settings from the config's `audio:` block.
#pragma once

#include "audio/audio_input.hpp"
#include "audio/audio_path.hpp"
#include "config/config.hpp"

namespace switchboard::audio {

inline AudioPathSettings path_settings(const config::AudioSettings &a) {
  AudioPathSettings s;
  s.vad.likelihood = a.vad_likelihood;
  s.vad.min_rms = a.min_rms;
  s.turns.min_speech_ms = a.min_speech_ms;
  s.turns.trailing_silence_ms = a.trailing_silence_ms;
  s.turns.barge_in_min_ms = a.barge_in_min_ms;
  s.turns.max_utterance_ms = static_cast<int>(a.max_utterance_seconds * 1000);
  return s;
}

inline AudioLimits input_limits(const config::AudioSettings &a) {
  return {a.max_message_seconds, a.max_utterance_seconds, a.max_sample_rate, a.max_channels};
}

}  // namespace switchboard::audio
