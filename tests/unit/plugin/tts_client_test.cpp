#include "plugin/tts_client.hpp"

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

class Audio : public TtsHandler {
 public:
  void on_audio(const std::int16_t *, std::size_t count, std::uint32_t rate) override {
    samples += count;
    ++chunks;
    sample_rate = rate;
  }
  void on_done(const sdk::Outcome &o) override {
    outcome = o;
    ++dones;
  }
  std::size_t samples = 0;
  int chunks = 0;
  std::uint32_t sample_rate = 0;
  int dones = 0;
  sdk::Outcome outcome;
};

TEST(TtsClient, ListsVoicesAsJson) {
  test::TestHost host;
  auto tts = host.create("fixture-tts-silence");
  nlohmann::json voices;
  ASSERT_TRUE(list_voices(*tts, voices).ok());
  ASSERT_EQ(voices.size(), 1u);
  EXPECT_EQ(voices[0]["id"], "flat");
  EXPECT_EQ(voices[0]["sample_rate"], 16000);
}

TEST(TtsClient, DeliversChunksAndDoneEvenBeforeTheCallReturns) {
  test::TestHost host;
  auto tts = host.create("fixture-tts-silence");
  Audio audio;
  CancelSource cancel;
  ASSERT_TRUE(synthesize(*tts, "hello", "", audio, cancel).ok());
  EXPECT_EQ(audio.dones, 1);
  EXPECT_TRUE(audio.outcome.ok());
  EXPECT_EQ(audio.samples, 500u);
  EXPECT_EQ(audio.chunks, 4);
  EXPECT_EQ(audio.sample_rate, 16000u);
}

TEST(TtsClient, UnknownVoiceIsInvalidInput) {
  test::TestHost host;
  auto tts = host.create("fixture-tts-silence");
  Audio audio;
  CancelSource cancel;
  ASSERT_TRUE(synthesize(*tts, "hello", "nobody", audio, cancel).ok());
  EXPECT_EQ(audio.outcome.status, sdk::Status::invalid_input);
  EXPECT_EQ(audio.outcome.message, "unknown voice 'nobody'");
  EXPECT_EQ(audio.samples, 0u);
}

}  // namespace
}  // namespace switchboard::plugin
