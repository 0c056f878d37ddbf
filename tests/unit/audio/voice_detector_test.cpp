#include "audio/voice_detector.hpp"

#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include "support/testdata.hpp"

namespace switchboard::audio {
namespace {

// Every whole 20 ms frame of a recording, through one detector.
std::vector<FrameAnalysis> analyze_all(VoiceDetector &detector, const std::vector<std::int16_t> &samples) {
  std::vector<FrameAnalysis> out;
  for (std::size_t at = 0; at + kFrameSamples <= samples.size(); at += kFrameSamples) {
    out.push_back(detector.analyze(std::span<const std::int16_t, kFrameSamples>(samples.data() + at, kFrameSamples)));
  }
  return out;
}

// WebRTC's voice detection through AudioProcessing, 10 ms at a time, as
// the detector ran before it called the detector directly: voiced when
// either half of a frame is.
std::vector<bool> through_audio_processing(int likelihood, const std::vector<std::int16_t> &samples) {
  std::unique_ptr<webrtc::AudioProcessing> apm(webrtc::AudioProcessing::Create());
  auto *vad = apm->voice_detection();
  vad->Enable(true);
  vad->set_frame_size_ms(10);
  vad->set_likelihood(static_cast<webrtc::VoiceDetection::Likelihood>(likelihood));
  webrtc::AudioFrame chunk;
  std::vector<bool> out;
  for (std::size_t at = 0; at + kFrameSamples <= samples.size(); at += kFrameSamples) {
    bool voiced = false;
    for (std::size_t half = 0; half < 2; ++half) {
      std::memcpy(chunk.data_, samples.data() + at + half * kFrameSamples / 2,
                  kFrameSamples / 2 * sizeof(std::int16_t));
      chunk.samples_per_channel_ = kFrameSamples / 2;
      chunk.sample_rate_hz_ = kPipelineRate;
      chunk.num_channels_ = 1;
      voiced = (apm->ProcessStream(&chunk) == 0 && vad->stream_has_voice()) || voiced;
    }
    out.push_back(voiced);
  }
  return out;
}

std::size_t voiced(const std::vector<FrameAnalysis> &frames) {
  std::size_t n = 0;
  for (const auto &f : frames) n += f.voiced;
  return n;
}

TEST(VoiceDetector, DecidesAsAudioProcessingDoesAtEveryLikelihood) {
  for (const char *name : {"hello.wav", "crying.wav", "noise-2s.wav", "story.wav"}) {
    const auto samples = test::speech_samples(name);
    for (int likelihood = 0; likelihood <= 3; ++likelihood) {
      VoiceDetector detector({.likelihood = likelihood});
      const auto ours = analyze_all(detector, samples);
      const auto theirs = through_audio_processing(likelihood, samples);
      ASSERT_EQ(ours.size(), theirs.size());
      for (std::size_t i = 0; i < ours.size(); ++i) {
        ASSERT_EQ(ours[i].voiced, theirs[i]) << name << ", likelihood " << likelihood << ", frame " << i;
      }
    }
  }
}

TEST(VoiceDetector, AHigherLikelihoodTakesMoreFramesForVoice) {
  const auto samples = test::speech_samples("hello.wav");
  VoiceDetector strict({.likelihood = 0});
  VoiceDetector lenient({.likelihood = 3});
  EXPECT_LT(voiced(analyze_all(strict, samples)), voiced(analyze_all(lenient, samples)));
}

TEST(VoiceDetector, SpeechIsSpeechAndSilenceIsNot) {
  VoiceDetector detector({});
  std::size_t speech = 0;
  for (const auto &f : analyze_all(detector, test::speech_samples("hello.wav"))) speech += f.speech;
  EXPECT_GT(speech, 10U);
  for (const auto &f : analyze_all(detector, test::speech_samples("silence-2s.wav"))) {
    EXPECT_FALSE(f.voiced);
    EXPECT_FALSE(f.speech);
  }
}

TEST(VoiceDetector, ALikelihoodOutsideWebRtcsRangeIsRefused) {
  EXPECT_THROW(VoiceDetector({.likelihood = 4}), std::runtime_error);
  EXPECT_THROW(VoiceDetector({.likelihood = -1}), std::runtime_error);
}

}  // namespace
}  // namespace switchboard::audio
