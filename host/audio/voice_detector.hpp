// Is there speech in this 20 ms frame? WebRTC's voice activity detector
// (called directly: audio/webrtc_vad.hpp) and an energy gate must both say yes: the gate
// keeps steady noise (fans, hiss) that WebRTC may take for voice out, with an
// absolute floor and a margin over a tracked noise floor.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "audio/pcm.hpp"

struct WebRtcVadInst;

namespace switchboard::audio {

struct FrameAnalysis {
  double rms = 0;       // 0..1 of full scale
  double peak = 0;      // 0..1
  bool voiced = false;  // WebRTC's decision
  bool speech = false;  // voiced and through the energy gate
};

class VoiceDetector {
 public:
  struct Settings {
    int likelihood = 2;           // WebRTC: 0 .. 3, higher takes more frames for voice
    double min_rms = 0.01;        // about -40 dBFS: quieter is never speech
    double floor_margin_db = 10;  // and it must stand this far over the noise floor
  };

  explicit VoiceDetector(Settings settings);
  ~VoiceDetector();
  VoiceDetector(const VoiceDetector &) = delete;
  VoiceDetector &operator=(const VoiceDetector &) = delete;

  // [audio-thread] One 20 ms frame at 16 kHz. Allocates nothing, locks
  // nothing.
  FrameAnalysis analyze(std::span<const std::int16_t, kFrameSamples> frame);
  // The tracked noise floor (rms, 0..1).
  double noise_floor() const noexcept { return noise_floor_; }

 private:
  Settings settings_;
  struct FreeVad {
    void operator()(WebRtcVadInst *vad) const noexcept;
  };
  std::unique_ptr<WebRtcVadInst, FreeVad> vad_;  // 736 bytes of state
  double noise_floor_;
};

}  // namespace switchboard::audio
