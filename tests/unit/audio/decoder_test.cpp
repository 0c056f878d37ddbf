// Every format of ../shared/testdata/speech/formats decodes to the same audio
// as hello.wav: length within 1%, RMS within 5%.
#include "audio/decoder.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "audio/sniff.hpp"
#include "audio/wav.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/wav.hpp"

namespace switchboard::audio {
namespace {

using test::speech_bytes;

double rms(const std::vector<std::int16_t> &s) {
  double sum = 0;
  for (auto x : s) sum += static_cast<double>(x) * x;
  return s.empty() ? 0 : std::sqrt(sum / static_cast<double>(s.size()));
}

std::vector<std::int16_t> reference() {
  std::vector<std::int16_t> out;
  std::string error;
  EXPECT_TRUE(decode(speech_bytes("hello.wav"), out, error)) << error;
  return out;
}

void expect_like_reference(const std::vector<std::int16_t> &got, const std::string &what) {
  static const auto ref = reference();
  ASSERT_FALSE(ref.empty());
  const double length_ratio = static_cast<double>(got.size()) / static_cast<double>(ref.size());
  EXPECT_NEAR(length_ratio, 1.0, 0.01) << what << ": " << got.size() << " samples vs " << ref.size();
  EXPECT_NEAR(rms(got) / rms(ref), 1.0, 0.05) << what;
}

TEST(Decoder, TheReferenceIsTheWavItself) {
  const auto ref = reference();
  EXPECT_EQ(ref.size(), 80800u / 2) << "16 kHz mono: passed through (the file has 80800 bytes of data)";
}

class EveryFormat : public testing::TestWithParam<std::string> {};

TEST_P(EveryFormat, DecodesToTheSameAudioAsHelloWav) {
  const std::string name = GetParam();
  const auto bytes = speech_bytes("formats/" + name);
  std::vector<std::int16_t> out;
  std::string error;
  bool ok = false;
  if (name.ends_with(".pcm")) {
    ok = decode_raw_pcm16(bytes, name.find("24k") != std::string::npos ? 24000 : 16000, 1, out, error);
  } else {
    ok = decode(bytes, out, error);
  }
  ASSERT_TRUE(ok) << name << ": " << error;
  expect_like_reference(out, name);
}

INSTANTIATE_TEST_SUITE_P(Formats, EveryFormat,
                         testing::Values("hello-16k-s16le.pcm", "hello-24k-s16le.pcm", "hello-24k.wav",
                                         "hello-44k-stereo.wav", "hello.mp3", "hello.ogg", "hello.webm"),
                         [](const auto &param_info) {
                           std::string n = param_info.param;
                           for (char &c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(Decoder, SniffsEachContainer) {
  EXPECT_EQ(sniff(speech_bytes("formats/hello-24k.wav")), Container::wav);
  EXPECT_EQ(sniff(speech_bytes("formats/hello.webm")), Container::webm);
  EXPECT_EQ(sniff(speech_bytes("formats/hello.ogg")), Container::ogg);
  EXPECT_EQ(sniff(speech_bytes("formats/hello.mp3")), Container::mp3);
  EXPECT_EQ(sniff(speech_bytes("formats/hello-16k-s16le.pcm")), Container::unknown);
}

// MP3 without its ID3 tag is known by two frame headers in a row; one
// header-like pair of bytes is not MP3.
TEST(Decoder, SniffsUntaggedMp3ByItsFramesNotByTwoBytes) {
  const auto tagged = speech_bytes("formats/hello.mp3");
  ASSERT_GE(tagged.size(), 10U);
  ASSERT_EQ(std::string(tagged.begin(), tagged.begin() + 3), "ID3");
  // The tag's size: four 7-bit bytes after the 10-byte header.
  const std::size_t tag = 10 + ((std::size_t{tagged[6]} << 21) | (std::size_t{tagged[7]} << 14) |
                                (std::size_t{tagged[8]} << 7) | tagged[9]);
  const std::vector<std::uint8_t> frames(tagged.begin() + static_cast<std::ptrdiff_t>(tag), tagged.end());
  EXPECT_EQ(sniff(frames), Container::mp3);
  std::vector<std::int16_t> out;
  std::string error;
  EXPECT_TRUE(decode(frames, out, error)) << error;
  // The first frame's header alone, followed by anything else.
  std::vector<std::uint8_t> one(frames.begin(), frames.begin() + 4);
  one.resize(2000, 0x11);
  EXPECT_EQ(sniff(one), Container::unknown);
}

TEST(Decoder, WebmInChunksDecodesExactlyLikeTheWholeFile) {
  const auto bytes = speech_bytes("formats/hello.webm");
  std::vector<std::int16_t> whole;
  std::string error;
  ASSERT_TRUE(decode(bytes, whole, error)) << error;
  // The file is about 2.5 s: 25 chunks of about 100 ms, as MediaRecorder sends.
  const std::size_t chunk = bytes.size() / 25 + 1;
  StreamDecoder stream;
  std::vector<std::int16_t> pieces;
  std::size_t produced_before_end = 0;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    const std::size_t n = std::min(chunk, bytes.size() - at);
    ASSERT_TRUE(stream.push(std::span(bytes).subspan(at, n), pieces, error)) << error;
    produced_before_end = pieces.size();
  }
  EXPECT_GT(produced_before_end, whole.size() / 2) << "audio comes out as chunks arrive, not only at the end";
  ASSERT_TRUE(stream.finish(pieces, error)) << error;
  EXPECT_EQ(pieces, whole);
}

TEST(Decoder, ReportsBadInputClearly) {
  std::vector<std::int16_t> out;
  std::string error;
  const std::vector<std::uint8_t> junk(1000, 0x42);
  EXPECT_FALSE(decode(junk, out, error));
  EXPECT_NE(error.find("cannot read this audio"), std::string::npos) << error;

  auto wav = speech_bytes("hello.wav");
  EXPECT_FALSE(decode(std::span(wav).first(30), out, error)) << "header cut short";
  EXPECT_EQ(error, "truncated fmt chunk");
  out.clear();
  EXPECT_TRUE(decode(std::span(wav).first(1044), out, error)) << "a truncated body keeps what it has";
  EXPECT_EQ(out.size(), 500u);

  const auto webm = speech_bytes("formats/hello.webm");
  std::vector<std::uint8_t> broken(webm.begin(), webm.begin() + static_cast<long>(webm.size() / 2));
  for (std::size_t i = 400; i < broken.size(); i += 7) broken[i] ^= 0x5A;
  out.clear();
  error.clear();
  const bool ok = decode(broken, out, error);
  EXPECT_TRUE(ok || !error.empty()) << "corrupt WebM either decodes what it can or says why";

  EXPECT_FALSE(decode_raw_pcm16(std::vector<std::uint8_t>(101, 0), 16000, 1, out, error));
  EXPECT_EQ(error, "PCM16 data must be whole frames of 2 bytes; got 101 bytes");
  EXPECT_FALSE(decode_raw_pcm16(std::vector<std::uint8_t>(100, 0), 1000000, 1, out, error));
  EXPECT_EQ(error, "sample rate 1000000 Hz is out of range (4000 to 192000)");
  EXPECT_FALSE(decode({}, out, error));
}

TEST(Decoder, WavRoundTripsAtEveryApiRate) {
  for (int rate : {16000, 22050, 24000}) {
    std::vector<std::int16_t> tone(static_cast<std::size_t>(rate / 10));
    for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = static_cast<std::int16_t>(1000 * std::sin(i * 0.1));
    const auto file = encode_wav(tone, rate, 1);
    EXPECT_EQ(file.size(), 44 + tone.size() * 2);
    Pcm back;
    std::string error;
    ASSERT_TRUE(decode_wav(file, back, error)) << error;
    EXPECT_EQ(back.sample_rate, rate);
    EXPECT_EQ(back.channels, 1);
    EXPECT_EQ(back.samples, tone);
  }
}

}  // namespace
}  // namespace switchboard::audio

namespace switchboard::audio {
namespace {

// A small upload that would expand past the limit costs no more than the
// limit: decoding stops there (or before, at the declared duration).
TEST(Decoder, AnUploadPastItsLimitIsRefusedWithoutDecodingPastIt) {
  for (const char *name : {"formats/hello.ogg", "formats/hello.mp3", "formats/hello.webm"}) {
    const std::size_t limit = kPipelineRate / 4;  // 250 ms of a ~2.5 s recording
    std::vector<std::int16_t> out;
    std::string error;
    EXPECT_FALSE(decode(test::speech_bytes(name), out, error, limit)) << name;
    EXPECT_NE(error.find("too long"), std::string::npos) << name << ": " << error;
    EXPECT_LE(out.size(), limit) << name << ": decoded past the limit";
    // With room enough, the same upload decodes whole.
    out.clear();
    EXPECT_TRUE(decode(test::speech_bytes(name), out, error, 10 * kPipelineRate)) << name << ": " << error;
    EXPECT_GT(out.size(), limit);
  }
}

TEST(Decoder, AStreamsLimitHoldsPerChunk) {
  const auto bytes = test::speech_bytes("formats/hello.webm");
  StreamDecoder stream(kPipelineRate / 4);
  std::vector<std::int16_t> out;
  std::string error;
  EXPECT_FALSE(stream.push(bytes, out, error));
  EXPECT_NE(error.find("too long"), std::string::npos) << error;
  EXPECT_LE(out.size(), kPipelineRate / 4);
}

// Found by tests/fuzz/audio_decode: a WAV header's sample rate went to the
// resampler unchecked, which threw for rates it cannot take.
TEST(Decoder, AWavAtARateNoOneRecordsIsRefusedWithItsRate) {
  for (const std::uint32_t rate : {1u, 3999u, 192001u, 4000000000u}) {
    const std::vector<std::int16_t> samples(64, 100);
    auto bytes = switchboard::sdk::wav_file(samples.data(), samples.size(), 16000);
    for (int i = 0; i < 4; ++i) bytes[24 + i] = static_cast<char>((rate >> (8 * i)) & 0xff);  // fmt: sample rate
    std::vector<std::int16_t> out;
    std::string error;
    const std::span<const std::uint8_t> view(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    EXPECT_FALSE(decode(view, out, error)) << rate;
    EXPECT_NE(error.find(std::to_string(rate) + " Hz is out of range"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace switchboard::audio
