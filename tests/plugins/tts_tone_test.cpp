#include <cmath>

#include <gtest/gtest.h>

#include "plugin/tts_client.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::plugin {
namespace {

using std::chrono::milliseconds;

class Audio : public TtsHandler {
 public:
  void on_audio(const std::int16_t *s, std::size_t n, std::uint32_t r) override {
    samples.insert(samples.end(), s, s + n);
    ++chunks;
    rate = r;
  }
  void on_done(const sdk::Outcome &o) override {
    outcome = o;
    ++dones;
  }
  std::vector<std::int16_t> samples;
  int chunks = 0;
  std::uint32_t rate = 0;
  sdk::Outcome outcome;
  int dones = 0;
};

struct Tone : test::ManualHost {
  explicit Tone(const nlohmann::json &config) {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    tts = Instance::create(registry.find("tts-tone"), "t", config, context(), error);
    if (!tts) throw std::runtime_error(error);
  }
  ~Tone() override {
    tts.reset();
    run();
  }
  Registry registry;
  std::shared_ptr<Instance> tts;
};

TEST(TtsTone, LengthFollowsTheTextAndChunksFollowTheConfig) {
  Tone t(nlohmann::json{{"sample_rate", 24000}, {"ms_per_char", 10}, {"chunk_ms", 20}});
  Audio a;
  CancelSource cancel;
  ASSERT_TRUE(synthesize(*t.tts, "twelve chars", "", a, cancel).ok());
  t.run();
  EXPECT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.samples.size(), 12u * 10 * 24);  // 12 chars x 10 ms x 24 samples/ms
  EXPECT_EQ(a.chunks, 6);                      // 120 ms in 20 ms chunks
  EXPECT_EQ(a.rate, 24000u);
  double energy = 0;
  for (auto s : a.samples) energy += static_cast<double>(s) * s;
  EXPECT_GT(std::sqrt(energy / static_cast<double>(a.samples.size())), 5000.0) << "a tone, not silence";
}

TEST(TtsTone, ListsVoicesAndRefusesUnknownOnes) {
  Tone t(nlohmann::json::object());
  nlohmann::json voices;
  ASSERT_TRUE(list_voices(*t.tts, voices).ok());
  ASSERT_EQ(voices.size(), 2u);
  EXPECT_EQ(voices[0]["id"], "tone");
  Audio a;
  CancelSource cancel;
  ASSERT_TRUE(synthesize(*t.tts, "hi", "nobody", a, cancel).ok());
  t.run();
  EXPECT_EQ(a.outcome.status, sdk::Status::invalid_input);
}

TEST(TtsTone, PacesChunksAndFailsOnCue) {
  Tone t(nlohmann::json{{"chunk_interval_ms", 10}, {"fail_on", "boom"}, {"fail_after_chunks", 2}});
  Audio fine, broken;
  CancelSource c1, c2;
  ASSERT_TRUE(synthesize(*t.tts, "quiet", "", fine, c1).ok());
  ASSERT_TRUE(synthesize(*t.tts, "it goes boom", "", broken, c2).ok());
  t.run();
  EXPECT_EQ(fine.chunks, 1) << "one chunk, the next waits 10 ms";
  t.advance(milliseconds(200));
  EXPECT_TRUE(fine.outcome.ok());
  EXPECT_EQ(broken.chunks, 2);
  EXPECT_EQ(broken.outcome.status, sdk::Status::retryable);
}

TEST(TtsTone, FirstChunkWaitsForItsLatency) {
  Tone t(nlohmann::json{{"first_chunk_ms", 30}});
  Audio a;
  CancelSource cancel;
  ASSERT_TRUE(synthesize(*t.tts, "hi", "", a, cancel).ok());
  t.advance(milliseconds(29));
  EXPECT_EQ(a.chunks, 0);
  t.advance(milliseconds(2));
  EXPECT_GT(a.chunks, 0);
}

}  // namespace
}  // namespace switchboard::plugin
