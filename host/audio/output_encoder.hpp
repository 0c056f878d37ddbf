// Synthesised speech to what a client's API expects: raw PCM16 or WAV, at
// the rate that API documents (16000, 22050, 24000 ...), from whatever rate
// the tts provider produced. One per output stream: resampling is stateful.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "audio/resampler.hpp"

namespace switchboard::audio {

enum class OutputFormat { pcm16, wav };

class OutputEncoder {
 public:
  OutputEncoder(OutputFormat format, int out_rate) : format_(format), out_rate_(out_rate) {}

  // One chunk of mono audio at `in_rate`, encoded. A WAV chunk is a complete
  // file (header included), so each can be played on its own, as a browser's
  // decodeAudioData needs.
  std::vector<std::uint8_t> encode(std::span<const std::int16_t> samples, int in_rate);
  // The rest the resampler holds, at the end of a stream.
  std::vector<std::uint8_t> flush();

 private:
  std::vector<std::uint8_t> pack(const std::vector<std::int16_t> &samples) const;

  OutputFormat format_;
  int out_rate_;
  std::unique_ptr<Resampler> resampler_;
  std::vector<std::int16_t> scratch_;
};

}  // namespace switchboard::audio
