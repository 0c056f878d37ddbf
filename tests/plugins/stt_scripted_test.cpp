#include <gtest/gtest.h>

#include "plugin/stt_client.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::plugin {
namespace {

using std::chrono::milliseconds;

class Words : public SttHandler {
 public:
  void on_partial(std::string_view t) override { partials.emplace_back(t); }
  void on_final(std::string_view t, float c, std::string_view l) override {
    final_text = t;
    confidence = c;
    language = l;
  }
  void on_done(const sdk::Outcome &o) override {
    outcome = o;
    ++dones;
  }
  std::vector<std::string> partials;
  std::string final_text;
  float confidence = 0;
  std::string language;
  sdk::Outcome outcome;
  int dones = 0;
};

struct Scripted : test::ManualHost {
  explicit Scripted(const nlohmann::json &config) {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    stt = Instance::create(registry.find("stt-scripted"), "s", config, context(), error);
    if (!stt) throw std::runtime_error(error);
  }
  ~Scripted() override {
    stt.reset();
    run();
  }
  // One utterance of `ms` of audio in 20 ms frames, in real time.
  void utter(Words &w, int ms) {
    CancelSource cancel;
    SttStream stream;
    ASSERT_TRUE(open_stream(*stt, w, cancel, stream).ok());
    const std::vector<std::int16_t> frame(320, 0);
    for (int t = 0; t < ms; t += 20) {
      stream.feed(frame.data(), frame.size());
      advance(milliseconds(20));
    }
    stream.finish();
    advance(milliseconds(100));
    EXPECT_EQ(w.dones, 1);
  }
  Registry registry;
  std::shared_ptr<Instance> stt;
};

TEST(SttScripted, CyclesTranscriptsAndGrowsPartialsWithTheAudio) {
  Scripted s(nlohmann::json{
      {"transcripts", {"turn on the lights", "thank you"}}, {"partial_every_ms", 200}, {"confidence", 0.75}});
  Words first, second, third;
  s.utter(first, 1000);
  s.utter(second, 400);
  s.utter(third, 200);
  EXPECT_EQ(first.final_text, "turn on the lights");
  EXPECT_FLOAT_EQ(first.confidence, 0.75f);
  EXPECT_EQ(first.language, "en-US");
  ASSERT_GE(first.partials.size(), 3u);
  EXPECT_EQ(first.partials[0], "turn");
  EXPECT_EQ(first.partials[1], "turn on");
  EXPECT_EQ(second.final_text, "thank you");
  EXPECT_EQ(third.final_text, "turn on the lights") << "the list starts over";
}

TEST(SttScripted, CanReportTheAudioItHeard) {
  Scripted s(nlohmann::json{{"transcripts", {"{samples} samples, {ms} ms"}}});
  Words w;
  s.utter(w, 500);
  EXPECT_EQ(w.final_text, "8000 samples, 500 ms");
}

TEST(SttScripted, FailsAfterTheConfiguredAudio) {
  Scripted s(nlohmann::json{{"fail_after_ms", 300}});
  Words w;
  CancelSource cancel;
  SttStream stream;
  ASSERT_TRUE(open_stream(*s.stt, w, cancel, stream).ok());
  const std::vector<std::int16_t> frame(320, 0);
  for (int t = 0; t < 600 && w.dones == 0; t += 20) {
    stream.feed(frame.data(), frame.size());
    s.advance(milliseconds(20));
  }
  EXPECT_EQ(w.dones, 1);
  EXPECT_EQ(w.outcome.status, sdk::Status::retryable);
  EXPECT_TRUE(w.final_text.empty());
}

}  // namespace
}  // namespace switchboard::plugin
