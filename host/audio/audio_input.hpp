// One session's incoming audio messages to pipeline audio, under limits:
// WAV, Ogg, MP3, raw PCM16 at a declared rate, and WebM/Opus from a browser's
// MediaRecorder, whose chunks continue one stream across messages. A bad
// message gets a clear error; the session's input keeps working.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "audio/decoder.hpp"

namespace switchboard::audio {

struct AudioLimits {
  double max_message_seconds = 30;
  double max_utterance_seconds = 30;
  int max_sample_rate = 48000;
  int max_channels = 8;
};

class AudioInput {
 public:
  explicit AudioInput(AudioLimits limits) : limits_(limits) {}

  // Decodes one message and appends its 16 kHz mono audio to `out`.
  // Bytes that are no known container are raw PCM16 at declared_rate Hz with
  // declared_channels channels.
  bool accept(std::span<const std::uint8_t> bytes, std::vector<std::int16_t> &out, std::string &error,
              int declared_rate = 16000, int declared_channels = 1);
  // A recording that arrived in chunks is over: the rest of its audio.
  bool end_stream(std::vector<std::int16_t> &out, std::string &error);

 private:
  bool check_duration(std::size_t samples, std::string &error) const;
  // A message's limit in pipeline samples, for the decoders.
  std::size_t max_samples() const;

  AudioLimits limits_;
  std::unique_ptr<StreamDecoder> stream_;  // a WebM recording in progress
};

}  // namespace switchboard::audio
