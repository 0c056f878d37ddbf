#include "audio/output_encoder.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "audio/settings.hpp"
#include "audio/wav.hpp"

namespace switchboard::audio {
namespace {

std::vector<std::int16_t> tone(int rate, int ms) {
  std::vector<std::int16_t> s(static_cast<std::size_t>(rate * ms / 1000));
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440 * i / rate));
  return s;
}

TEST(OutputEncoder, WavChunksArePlayableFilesAtTheApiRate) {
  for (int out_rate : {16000, 22050, 24000}) {
    OutputEncoder encoder(OutputFormat::wav, out_rate);
    std::size_t samples = 0;
    for (int chunk = 0; chunk < 10; ++chunk) {
      const auto bytes = encoder.encode(tone(22050, 100), 22050);
      Pcm pcm;
      std::string error;
      ASSERT_TRUE(decode_wav(bytes, pcm, error)) << error;
      EXPECT_EQ(pcm.sample_rate, out_rate);
      EXPECT_EQ(pcm.channels, 1);
      samples += pcm.samples.size();
    }
    const auto rest = encoder.flush();
    if (!rest.empty()) samples += (rest.size() - 44) / 2;
    EXPECT_NEAR(static_cast<double>(samples), out_rate, out_rate * 0.01) << "one second in, one second out";
  }
}

TEST(OutputEncoder, RawPcmIsJustTheSamples) {
  OutputEncoder encoder(OutputFormat::pcm16, 16000);
  const auto in = tone(16000, 20);
  const auto bytes = encoder.encode(in, 16000);
  ASSERT_EQ(bytes.size(), in.size() * 2);
  EXPECT_EQ(std::memcmp(bytes.data(), in.data(), bytes.size()), 0);
}

TEST(AudioSettings, TheConfigBlockReachesThePathAndTheLimits) {
  config::AudioSettings a;
  a.trailing_silence_ms = 900;
  a.barge_in_min_ms = 250;
  a.max_utterance_seconds = 12;
  a.max_sample_rate = 24000;
  const auto path = path_settings(a);
  EXPECT_EQ(path.turns.trailing_silence_ms, 900);
  EXPECT_EQ(path.turns.barge_in_min_ms, 250);
  EXPECT_EQ(path.turns.max_utterance_ms, 12000);
  EXPECT_EQ(input_limits(a).max_sample_rate, 24000);
}

}  // namespace
}  // namespace switchboard::audio
