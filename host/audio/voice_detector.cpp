#include "audio/voice_detector.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "audio/webrtc_vad.hpp"

namespace switchboard::audio {
namespace {

constexpr std::size_t kChunk = kFrameSamples / 2;  // WebRTC works in 10 ms

}  // namespace

void VoiceDetector::FreeVad::operator()(WebRtcVadInst *vad) const noexcept {
  WebRtcVad_Free(vad);
}

VoiceDetector::VoiceDetector(Settings settings)
    : settings_(settings), vad_(WebRtcVad_Create()), noise_floor_(settings.min_rms / 4) {
  if (!vad_ || WebRtcVad_Init(vad_.get()) != 0 || WebRtcVad_set_mode(vad_.get(), 3 - settings.likelihood) != 0) {
    throw std::runtime_error("cannot set up WebRTC voice detection (likelihood " + std::to_string(settings.likelihood) +
                             ")");
  }
}

VoiceDetector::~VoiceDetector() = default;

FrameAnalysis VoiceDetector::analyze(std::span<const std::int16_t, kFrameSamples> frame) {
  FrameAnalysis a;
  double sum = 0;
  int peak = 0;
  for (std::int16_t s : frame) {
    sum += static_cast<double>(s) * s;
    peak = std::max(peak, std::abs(static_cast<int>(s)));
  }
  a.rms = std::sqrt(sum / kFrameSamples) / 32768.0;
  a.peak = peak / 32768.0;
  // In 10 ms halves, as AudioProcessing fed it (the same decisions): voiced
  // if either half is.
  for (std::size_t half = 0; half < 2; ++half) {
    if (WebRtcVad_Process(vad_.get(), kPipelineRate, frame.data() + half * kChunk, kChunk) == 1) a.voiced = true;
  }
  const double gate = std::max(settings_.min_rms, noise_floor_ * std::pow(10.0, settings_.floor_margin_db / 20));
  a.speech = a.voiced && a.rms >= gate;
  if (!a.speech) {
    // Follow the floor down at once and up slowly, so a pause in speech does
    // not lift it.
    noise_floor_ = a.rms < noise_floor_ ? a.rms : noise_floor_ * 0.98 + a.rms * 0.02;
  }
  return a;
}

}  // namespace switchboard::audio
