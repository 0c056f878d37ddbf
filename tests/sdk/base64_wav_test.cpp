// The SDK's base64 and WAV helpers (audio in JSON, chunks for browsers).
#include <gtest/gtest.h>

#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace switchboard::sdk {
namespace {

TEST(Base64Wav, Base64RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 37));
    const auto back = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(back);
    ASSERT_EQ(*back, bytes) << "length " << bytes.size();
  }
}

TEST(Base64Wav, Base64AcceptsWhatBrowsersSendAndRefusesTheRest) {
  EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(base64_decode("aGVs\nbG8"), "hello") << "unpadded, with a line break";
  EXPECT_EQ(base64_decode("-_8"), std::string("\xfb\xff")) << "the URL-safe alphabet";
  EXPECT_FALSE(base64_decode("aGVsbG8*"));
  EXPECT_FALSE(base64_decode("aGVs=bG8")) << "data after padding";
  EXPECT_FALSE(base64_decode("a")) << "a lone sextet is no byte";
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("aGVsbG8gd29y\r\nbGQ="), "hello world") << "a line break in the middle of a group";
  EXPECT_EQ(base64_decode("aGVs bG8g d29y bGQ="), "hello world") << "spaces between groups";
  EXPECT_FALSE(base64_decode("aGVsbG8gd29ybGQ=aGVs")) << "groups after padding";
  EXPECT_FALSE(base64_decode("aGVsbG8gd29ybGQ===")) << "three padding characters";
}

TEST(Base64Wav, DecodingIntoABufferKeepsItsMemory) {
  const std::string text = base64_encode(std::string(640, 'x'));
  std::string out;
  ASSERT_TRUE(base64_decode_into(text, out));
  EXPECT_EQ(out, std::string(640, 'x'));
  const char *const memory = out.data();
  ASSERT_TRUE(base64_decode_into(base64_encode(std::string(639, 'y')), out));
  EXPECT_EQ(out, std::string(639, 'y'));
  EXPECT_EQ(out.data(), memory) << "a frame no larger than the last is decoded where the last was";
  EXPECT_FALSE(base64_decode_into("not*base64", out));
}

TEST(Base64Wav, WavChunksCarryTheirRateAndSamples) {
  const std::int16_t samples[] = {0, 1000, -1000, 32767};
  const std::string wav = wav_file(samples, 4, 24000);
  ASSERT_EQ(wav.size(), 44U + 8U);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(static_cast<unsigned char>(wav[24]) | static_cast<unsigned char>(wav[25]) << 8 |
                static_cast<unsigned char>(wav[26]) << 16,
            24000);
  EXPECT_EQ(wav.substr(44), pcm_bytes(samples, 4));
}

}  // namespace
}  // namespace switchboard::sdk
