#include "audio/voice_detector.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

namespace switchboard::audio {
namespace {

constexpr std::size_t kChunk = kFrameSamples / 2;  // WebRTC works in 10 ms

}  // namespace

VoiceDetector::VoiceDetector(Settings settings)
    : settings_(settings),
      apm_(webrtc::AudioProcessing::Create()),
      chunk_(std::make_unique<webrtc::AudioFrame>()),
      noise_floor_(settings.min_rms / 4) {
  if (!apm_) throw std::runtime_error("cannot create WebRTC audio processing");
  auto *vad = apm_->voice_detection();
  if (vad->Enable(true) != 0 || vad->set_frame_size_ms(10) != 0 ||
      vad->set_likelihood(static_cast<webrtc::VoiceDetection::Likelihood>(settings.likelihood)) != 0) {
    throw std::runtime_error("cannot configure WebRTC voice detection");
  }
  chunk_->sample_rate_hz_ = kPipelineRate;
  chunk_->num_channels_ = 1;
  chunk_->samples_per_channel_ = kChunk;
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
  for (std::size_t half = 0; half < 2; ++half) {
    std::memcpy(chunk_->data_, frame.data() + half * kChunk, kChunk * sizeof(std::int16_t));
    chunk_->samples_per_channel_ = kChunk;
    chunk_->sample_rate_hz_ = kPipelineRate;
    chunk_->num_channels_ = 1;
    if (apm_->ProcessStream(chunk_.get()) == 0 && apm_->voice_detection()->stream_has_voice()) a.voiced = true;
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
