// The stt chain, driven by stt-scripted on a manual clock.
#include "resilience/stt_chain.hpp"

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;

class Transcript : public SttListener {
 public:
  void on_partial(std::string_view t) override { partials.emplace_back(t); }
  void on_final(std::string_view t, float c, std::string_view) override {
    finals.emplace_back(t);
    confidence = c;
  }
  void on_replay() override {
    ++replays;
    finals.push_back("<replay>");
  }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
  }
  std::vector<std::string> partials;
  std::vector<std::string> finals;
  float confidence = 0;
  int replays = 0;
  int dones = 0;
  Outcome outcome;
};

// Streams `ms` of audio in 20 ms frames in real time on the manual clock.
void speak(test::ChainHarness &h, SttCall &call, int ms) {
  const std::vector<std::int16_t> frame(320, 1000);
  for (int t = 0; t < ms; t += 20) {
    call.feed(frame.data(), frame.size());
    h.advance(milliseconds(20));
  }
}

TEST(SttChain, AFailureMidUtteranceReplaysItAllIntoTheNextProvider) {
  test::ChainHarness h(
      "stt:\n"
      "  - {name: primary, plugin: stt-scripted, config: {transcripts: [\"primary heard {samples}\"], "
      "fail_after_ms: 400, partial_every_ms: 100}}\n"
      "  - {name: secondary, plugin: stt-scripted, config: {transcripts: [\"secondary heard {samples}\"]}}\n");
  Transcript t;
  auto call = h.chains->stt()->start(t, 16000 * 5);
  speak(h, *call, 1000);
  call->finish();
  h.advance(milliseconds(100));
  ASSERT_EQ(t.dones, 1);
  EXPECT_TRUE(t.outcome.ok()) << t.outcome.message;
  ASSERT_EQ(t.finals.size(), 1u);
  EXPECT_EQ(t.finals[0], "secondary heard 16000") << "every sample of the utterance reached the secondary";
  EXPECT_EQ(t.replays, 0) << "the primary had delivered no final: nothing to supersede";
  EXPECT_FALSE(t.partials.empty()) << "the primary's partials came before it failed";
  EXPECT_EQ(h.provider("stt", "primary").stats.failures.load(), 1u);
  EXPECT_EQ(h.chains->stt()->fallback_count(), 1u);
}

// The listener is told that what it has is superseded, between the failed
// provider's final and the next one's.
TEST(SttChain, AProviderThatFailsAfterItsFinalIsReplayedAndTheListenerToldBeforeTheNewFinal) {
  test::ChainHarness h(
      "stt:\n"
      "  - {name: primary, plugin: stt-scripted, config: {transcripts: [\"what the primary heard\"], "
      "fail_after_final: true}}\n"
      "  - {name: secondary, plugin: stt-scripted, config: {transcripts: [\"what the secondary heard\"]}}\n");
  Transcript t;
  auto call = h.chains->stt()->start(t, 16000 * 5);
  speak(h, *call, 600);
  call->finish();
  h.advance(milliseconds(200));
  ASSERT_EQ(t.dones, 1);
  EXPECT_TRUE(t.outcome.ok()) << t.outcome.message;
  EXPECT_EQ(t.finals, (std::vector<std::string>{"what the primary heard", "<replay>", "what the secondary heard"}));
  EXPECT_EQ(t.replays, 1);
}

TEST(SttChain, AMissingFinalIsCaughtAndTheUtteranceReplayed) {
  test::ChainHarness h(
      "stt:\n"
      "  - name: mute\n"
      "    plugin: stt-scripted\n"
      "    timeouts: {first_byte_ms: 300}\n"
      "    fault: {hang: true}\n"
      "  - {name: counter, plugin: fixture-stt-counter}\n");
  Transcript t;
  auto call = h.chains->stt()->start(t, 16000 * 5);
  speak(h, *call, 600);
  call->finish();
  h.advance(milliseconds(299));
  EXPECT_EQ(t.dones, 0);
  h.advance(milliseconds(50));
  ASSERT_EQ(t.dones, 1);
  ASSERT_EQ(t.finals.size(), 1u);
  EXPECT_EQ(t.finals[0], "9600 samples");
  EXPECT_EQ(h.provider("stt", "mute").stats.timeouts.load(), 1u);
}

TEST(SttChain, AudioBeyondTheUtteranceLimitIsDroppedAndCounted) {
  test::ChainHarness h("stt:\n  - {name: counter, plugin: fixture-stt-counter}\n");
  Transcript t;
  auto call = h.chains->stt()->start(t, 1000);
  const std::vector<std::int16_t> frame(320, 1);
  for (int i = 0; i < 5; ++i) call->feed(frame.data(), frame.size());
  call->finish();
  h.run();
  ASSERT_EQ(t.finals.size(), 1u);
  EXPECT_EQ(t.finals[0], "1000 samples");
  EXPECT_EQ(call->dropped_samples(), 600u);
}

TEST(SttChain, CancelEndsTheStream) {
  test::ChainHarness h("stt:\n  - {name: s, plugin: stt-scripted}\n");
  Transcript t;
  auto call = h.chains->stt()->start(t, 16000);
  speak(h, *call, 100);
  call->cancel();
  EXPECT_EQ(t.dones, 1);
  EXPECT_EQ(t.outcome.status, Status::cancelled);
  h.advance(milliseconds(100));
  EXPECT_EQ(t.dones, 1);
  EXPECT_TRUE(t.finals.empty());
}

}  // namespace
}  // namespace switchboard::resilience
