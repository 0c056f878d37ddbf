// tts-flite and tts-espeak: real speech, offline.
#include <cmath>

#include <gtest/gtest.h>

#include "plugin/tts_client.hpp"
#include "support/chain_harness.hpp"
#include "support/done_signal.hpp"

namespace switchboard::plugin {
namespace {

class Speech : public TtsHandler {
 public:
  void on_audio(const std::int16_t *s, std::size_t n, std::uint32_t r) override {
    samples.insert(samples.end(), s, s + n);
    ++chunks;
    rate = r;
  }
  void on_done(const sdk::Outcome &o) override {
    outcome = o;
    finished.set();
  }
  bool wait() { return finished.wait(); }
  double seconds() const { return rate ? static_cast<double>(samples.size()) / rate : 0; }
  double rms() const {
    double sum = 0;
    for (auto s : samples) sum += static_cast<double>(s) * s;
    return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size())) / 32768.0;
  }

  test::DoneSignal finished;
  std::vector<std::int16_t> samples;
  int chunks = 0;
  std::uint32_t rate = 0;
  sdk::Outcome outcome;
};

std::shared_ptr<Instance> make(test::TestHost &host, const std::string &id, const nlohmann::json &config) {
  Registry registry;
  registry.scan({test::shipped_plugin_dir()});
  std::string error;
  auto instance = Instance::create(registry.find(id), "t", config, host.context(), error);
  EXPECT_NE(instance, nullptr) << error;
  return instance;
}

class OfflineTts : public testing::TestWithParam<std::pair<std::string, std::uint32_t>> {};

TEST_P(OfflineTts, SpeaksASentenceInChunks) {
  const auto [id, rate] = GetParam();
  test::TestHost host;
  auto tts = make(host, id, nlohmann::json::object());
  ASSERT_NE(tts, nullptr);
  Speech s;
  CancelSource cancel;
  ASSERT_TRUE(synthesize(*tts, "Hello there, how are you today?", "", s, cancel).ok());
  ASSERT_TRUE(s.wait());
  EXPECT_TRUE(s.outcome.ok()) << s.outcome.message;
  EXPECT_EQ(s.rate, rate);
  EXPECT_GT(s.seconds(), 0.8);
  EXPECT_LT(s.seconds(), 5.0);
  EXPECT_GT(s.chunks, 3) << "streamed, not one block";
  EXPECT_GT(s.rms(), 0.02) << "speech, not silence";
}

TEST_P(OfflineTts, ListsVoicesAndRefusesAnUnknownOne) {
  const auto [id, rate] = GetParam();
  test::TestHost host;
  auto tts = make(host, id, nlohmann::json::object());
  ASSERT_NE(tts, nullptr);
  nlohmann::json voices;
  ASSERT_TRUE(list_voices(*tts, voices).ok());
  EXPECT_GE(voices.size(), id == "tts-espeak" ? 50u : 5u);
  Speech s;
  CancelSource cancel;
  const auto started = synthesize(*tts, "Hi.", "no-such-voice", s, cancel);
  if (started.ok()) {
    ASSERT_TRUE(s.wait());
  }
  const auto outcome = started.ok() ? s.outcome : started;
  EXPECT_EQ(outcome.status, sdk::Status::invalid_input);
}

INSTANTIATE_TEST_SUITE_P(Plugins, OfflineTts,
                         testing::Values(std::make_pair(std::string("tts-flite"), 16000u),
                                         std::make_pair(std::string("tts-espeak"), 22050u)),
                         [](const auto &param_info) {
                           return param_info.param.first == "tts-flite" ? "flite" : "espeak";
                         });

TEST(TtsEspeak, ConcurrentSynthesesAreSerialisedNotCrashed) {
  test::TestHost host(4);
  auto a = make(host, "tts-espeak", nlohmann::json::object());
  auto b = make(host, "tts-espeak", {{"voice", "en-gb"}});
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::vector<std::unique_ptr<Speech>> speech;
  std::vector<std::unique_ptr<CancelSource>> cancels;
  for (int i = 0; i < 8; ++i) {
    speech.push_back(std::make_unique<Speech>());
    cancels.push_back(std::make_unique<CancelSource>());
    ASSERT_TRUE(synthesize(i % 2 ? *a : *b, "Number " + std::to_string(i) + ", then more words.", "", *speech.back(),
                           *cancels.back())
                    .ok());
  }
  for (auto &s : speech) {
    ASSERT_TRUE(s->wait());
    EXPECT_TRUE(s->outcome.ok()) << s->outcome.message;
    EXPECT_GT(s->seconds(), 0.5);
  }
}

TEST(TtsFlite, CancelStopsBetweenChunks) {
  test::TestHost host;
  auto tts = make(host, "tts-flite", {{"chunk_ms", 20}});
  ASSERT_NE(tts, nullptr);
  Speech s;
  CancelSource cancel;
  cancel.cancel();
  ASSERT_TRUE(synthesize(*tts, "This would be a long sentence to speak in full.", "", s, cancel).ok());
  ASSERT_TRUE(s.wait());
  EXPECT_EQ(s.outcome.status, sdk::Status::cancelled);
  EXPECT_TRUE(s.samples.empty());
}

}  // namespace
}  // namespace switchboard::plugin
