// The tts chain, driven by tts-tone plugins on a manual clock.
#include "resilience/tts_chain.hpp"

#include <map>

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;

class Speech : public TtsListener {
 public:
  void on_audio(std::size_t sentence, const std::int16_t *, std::size_t count, std::uint32_t rate) override {
    samples[sentence] += count;
    log.push_back("audio " + std::to_string(sentence));
    sample_rate = rate;
  }
  void on_sentence_done(std::size_t sentence) override { log.push_back("done " + std::to_string(sentence)); }
  void on_sentence_restart(std::size_t sentence) override {
    samples[sentence] = 0;  // what an output queue does: drop the broken attempt's audio
    ++restarts[sentence];
    log.push_back("restart " + std::to_string(sentence));
  }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
  }

  std::map<std::size_t, std::size_t> samples;
  std::map<std::size_t, int> restarts;
  std::vector<std::string> log;
  std::uint32_t sample_rate = 0;
  int dones = 0;
  Outcome outcome;
};

// 50 ms per character at 16 kHz, 20 ms chunks, one chunk every 5 ms.
const char *kChain =
    "tts:\n"
    "  - name: primary\n"
    "    plugin: tts-tone\n"
    "    config: {chunk_interval_ms: 5, fail_on: second, fail_after_chunks: 2}\n"
    "  - name: secondary\n"
    "    plugin: tts-tone\n"
    "    config: {chunk_interval_ms: 5}\n";

std::size_t expected_samples(const std::string &text) {
  return text.size() * 50 * 16;
}

TEST(TtsChain, FailureInSentenceTwoResynthesisesItOnceAndNeverRepeatsSentenceOne) {
  test::ChainHarness h(kChain);
  Speech s;
  auto call = h.chains->tts()->start(s);
  const std::vector<std::string> sentences = {"First one.", "The second one.", "And a third."};
  for (const auto &text : sentences) call->add(text);
  call->end();
  h.advance(milliseconds(2000));
  ASSERT_EQ(s.dones, 1);
  EXPECT_TRUE(s.outcome.ok()) << s.outcome.message;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    EXPECT_EQ(s.samples[i], expected_samples(sentences[i])) << "sentence " << i + 1 << " complete, once";
  }
  EXPECT_EQ(s.restarts[0], 0);
  EXPECT_EQ(s.restarts[1], 1) << "sentence 2 restarted once";
  EXPECT_EQ(s.restarts[2], 0);
  // Sentence 1 finished before sentence 2 began, and was never heard again.
  const auto done0 = std::find(s.log.begin(), s.log.end(), "done 0");
  ASSERT_NE(done0, s.log.end());
  EXPECT_EQ(std::find(done0, s.log.end(), "audio 0"), s.log.end());
  EXPECT_EQ(h.provider("tts", "primary").stats.failures.load(), 1u);
  EXPECT_EQ(h.provider("tts", "primary").stats.successes.load(), 2u) << "sentence 3 is back on the primary";
  EXPECT_EQ(h.provider("tts", "secondary").stats.successes.load(), 1u);
  EXPECT_EQ(s.sample_rate, 16000u);
}

TEST(TtsChain, SentencesAddedWhileSpeakingAreSpokenInOrder) {
  test::ChainHarness h(kChain);
  Speech s;
  auto call = h.chains->tts()->start(s);
  call->add("One.");
  h.advance(milliseconds(3));
  call->add("Two.");
  h.advance(milliseconds(200));
  EXPECT_EQ(s.dones, 0) << "not ended yet";
  call->end();
  h.run();
  ASSERT_EQ(s.dones, 1);
  EXPECT_EQ(s.samples[0], expected_samples("One."));
  EXPECT_EQ(s.samples[1], expected_samples("Two."));
}

TEST(TtsChain, AStalledProviderIsCaughtByTheIdleWatchdog) {
  test::ChainHarness h(
      "tts:\n"
      "  - name: slow\n"
      "    plugin: tts-tone\n"
      "    timeouts: {first_byte_ms: 100, idle_ms: 50, total_ms: 10000}\n"
      "    config: {chunk_interval_ms: 500}\n"
      "  - {name: fast, plugin: tts-tone}\n");
  Speech s;
  auto call = h.chains->tts()->start(s);
  call->add("Hello there.");
  call->end();
  h.advance(milliseconds(1000));
  ASSERT_EQ(s.dones, 1);
  EXPECT_TRUE(s.outcome.ok());
  EXPECT_EQ(s.samples[0], expected_samples("Hello there."));
  EXPECT_EQ(s.restarts[0], 1);
  EXPECT_EQ(h.provider("tts", "slow").stats.timeouts.load(), 1u);
}

TEST(TtsChain, CancelStopsAudioAtOnce) {
  test::ChainHarness h(kChain);
  Speech s;
  auto call = h.chains->tts()->start(s);
  call->add("A fairly long sentence to speak.");
  h.advance(milliseconds(12));
  call->cancel();
  ASSERT_EQ(s.dones, 1);
  EXPECT_EQ(s.outcome.status, Status::cancelled);
  const auto heard = s.samples[0];
  h.advance(milliseconds(500));
  EXPECT_EQ(s.samples[0], heard) << "no audio after the cancel";
}

}  // namespace
}  // namespace switchboard::resilience
