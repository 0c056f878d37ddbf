#include "audio/audio_input.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "audio/wav.hpp"
#include "support/testdata.hpp"

namespace switchboard::audio {
namespace {

using test::speech_bytes;

constexpr std::size_t kHelloSamples = 40400;

TEST(AudioInput, AcceptsEveryFormatAClientSends) {
  AudioInput input({});
  for (const char *name : {"hello.wav", "formats/hello-24k.wav", "formats/hello-44k-stereo.wav", "formats/hello.mp3",
                           "formats/hello.ogg", "formats/hello.webm"}) {
    std::vector<std::int16_t> out;
    std::string error;
    ASSERT_TRUE(input.accept(speech_bytes(name), out, error)) << name << ": " << error;
    if (std::string(name).ends_with(".webm")) {
      ASSERT_TRUE(input.end_stream(out, error)) << error;
    }
    EXPECT_NEAR(static_cast<double>(out.size()), kHelloSamples, kHelloSamples * 0.01) << name;
  }
  std::vector<std::int16_t> out;
  std::string error;
  ASSERT_TRUE(input.accept(speech_bytes("formats/hello-24k-s16le.pcm"), out, error, 24000));
  EXPECT_NEAR(static_cast<double>(out.size()), kHelloSamples, kHelloSamples * 0.01);
}

TEST(AudioInput, PcmInThePipelinesFormatIsAppendedAsItCameWhereTheCallerKeepsIt) {
  AudioInput input({});
  std::vector<std::int16_t> frame(320);
  for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<std::int16_t>(i * 97 - 15000);
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(frame.data()), 640);
  std::vector<std::int16_t> out = {7};
  out.reserve(1024);
  const auto *memory = out.data();
  std::string error;
  ASSERT_TRUE(input.accept(bytes, out, error)) << error;
  ASSERT_EQ(out.size(), 321U);
  EXPECT_EQ(out.front(), 7) << "what was there stays";
  EXPECT_TRUE(std::equal(frame.begin(), frame.end(), out.begin() + 1)) << "sample for sample";
  EXPECT_EQ(out.data(), memory) << "into the caller's buffer";
  EXPECT_FALSE(input.accept(bytes.first(639), out, error)) << "half a sample";
  EXPECT_NE(error.find("whole frames of 2 bytes"), std::string::npos) << error;
}

TEST(AudioInput, MediaRecorderChunksContinueOneStreamAcrossMessages) {
  const auto webm = speech_bytes("formats/hello.webm");
  AudioInput input({});
  std::vector<std::int16_t> out;
  std::string error;
  const std::size_t chunk = webm.size() / 25 + 1;
  for (std::size_t at = 0; at < webm.size(); at += chunk) {
    ASSERT_TRUE(input.accept(std::span(webm).subspan(at, std::min(chunk, webm.size() - at)), out, error)) << error;
  }
  ASSERT_TRUE(input.end_stream(out, error));
  EXPECT_EQ(out.size(), kHelloSamples);
}

// A chunk is cut wherever the recorder's timer fell: one that happens to
// begin like an MPEG audio frame (0xFF, then sync and layer III bits) still
// continues the WebM stream.
TEST(AudioInput, AChunkThatBeginsLikeAnMp3FrameContinuesTheStream) {
  const auto webm = speech_bytes("formats/hello.webm");
  std::size_t cut = 0;
  for (std::size_t i = 200; i + 1 < webm.size() && cut == 0; ++i) {
    if (webm[i] == 0xFF && (webm[i + 1] & 0xE6) == 0xE2) cut = i;
  }
  ASSERT_NE(cut, 0U) << "hello.webm has no byte pair like an MPEG frame sync to cut at";
  AudioInput input({});
  std::vector<std::int16_t> out;
  std::string error;
  ASSERT_TRUE(input.accept(std::span(webm).first(cut), out, error)) << error;
  ASSERT_TRUE(input.accept(std::span(webm).subspan(cut), out, error)) << error;
  ASSERT_TRUE(input.end_stream(out, error)) << error;
  EXPECT_EQ(out.size(), kHelloSamples);
}

// Raw samples are anything too: a 20 ms frame whose first sample's bytes
// are FF E3 (-7169) is PCM, not MP3.
TEST(AudioInput, APcmFrameThatBeginsLikeAnMp3FrameIsPcm) {
  std::vector<std::uint8_t> frame(640, 0);
  frame[0] = 0xFF;
  frame[1] = 0xE3;
  AudioInput input({});
  std::vector<std::int16_t> out;
  std::string error;
  ASSERT_TRUE(input.accept(frame, out, error)) << error;
  ASSERT_EQ(out.size(), 320U);
  EXPECT_EQ(out[0], -7169);
}

TEST(AudioInput, RefusesWhatIsOverTheLimitsWithAClearError) {
  AudioLimits limits;
  limits.max_message_seconds = 2;
  limits.max_sample_rate = 24000;
  limits.max_channels = 1;
  AudioInput input(limits);
  std::vector<std::int16_t> out;
  std::string error;
  EXPECT_FALSE(input.accept(speech_bytes("hello.wav"), out, error));
  EXPECT_EQ(error, "Audio too long: 2.5s > 2s");
  EXPECT_FALSE(input.accept(speech_bytes("formats/hello-44k-stereo.wav"), out, error));
  EXPECT_EQ(error, "sample rate 44100 Hz is over the limit of 24000 Hz");
  EXPECT_FALSE(input.accept(encode_wav(std::vector<std::int16_t>(100, 0), 16000, 2), out, error));
  EXPECT_EQ(error, "2 channels is over the limit of 1");
  EXPECT_FALSE(input.accept(std::vector<std::uint8_t>(101, 0), out, error));
  EXPECT_EQ(error, "PCM16 data must be whole frames of 2 bytes; got 101 bytes");
  EXPECT_FALSE(input.accept(std::vector<std::uint8_t>(100, 0), out, error, 96000));
  EXPECT_EQ(error, "declared sample rate 96000 Hz is over the limit of 24000 Hz");
  EXPECT_FALSE(input.accept({}, out, error));
  EXPECT_EQ(error, "empty audio message");
  EXPECT_TRUE(out.empty()) << "nothing from a refused message gets through";
  // The session's input still works.
  ASSERT_TRUE(input.accept(encode_wav(std::vector<std::int16_t>(1600, 7), 16000, 1), out, error)) << error;
  EXPECT_EQ(out.size(), 1600u);
}

TEST(AudioInput, ACorruptRecordingFailsThatStreamOnly) {
  auto webm = speech_bytes("formats/hello.webm");
  AudioInput input({});
  std::vector<std::int16_t> out;
  std::string error;
  std::vector<std::uint8_t> garbage(webm.begin(), webm.begin() + 200);
  garbage.insert(garbage.end(), 3000, 0xEE);
  const bool accepted = input.accept(garbage, out, error) && input.end_stream(out, error);
  EXPECT_FALSE(accepted && !out.empty()) << "garbage after a header yields no audio";
  // A new recording starts cleanly afterwards.
  out.clear();
  ASSERT_TRUE(input.accept(webm, out, error)) << error;
  ASSERT_TRUE(input.end_stream(out, error)) << error;
  EXPECT_EQ(out.size(), kHelloSamples);
}

}  // namespace
}  // namespace switchboard::audio
