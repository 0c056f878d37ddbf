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
  // Nothing is dropped here: what was passed on was heard.
  void on_sentence_resumed(std::size_t sentence, std::size_t at, const std::string &failed) override {
    ++resumed[sentence];
    resumed_at[sentence] = at;
    log.push_back("resumed " + std::to_string(sentence) + " at " + std::to_string(at) + " after " + failed);
  }
  void on_event(const ChainEvent &e) override {
    if (e.type == ChainEvent::Type::answering) answering.push_back(e.provider);
  }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
  }

  std::map<std::size_t, std::size_t> samples;
  std::map<std::size_t, int> resumed;
  std::map<std::size_t, std::size_t> resumed_at;
  std::vector<std::string> answering;
  std::vector<std::string> log;
  std::uint32_t sample_rate = 0;
  int dones = 0;
  Outcome outcome;
};

// 50 ms per character at 16 kHz, 20 ms chunks, one chunk every 5 ms. The
// primary fails "The second one." after 12 chunks (240 ms: "The " is 200 ms,
// so "The" was heard and "second" had begun).
std::string chain(const std::string &timings = "true") {
  return "tts:\n"
         "  - name: primary\n"
         "    plugin: tts-tone\n"
         "    config: {chunk_interval_ms: 5, fail_on: second, fail_after_chunks: 12, word_timings: " +
         timings +
         "}\n"
         "  - name: secondary\n"
         "    plugin: tts-tone\n"
         "    config: {chunk_interval_ms: 5, word_timings: " +
         timings + "}\n";
}
const std::string kChain = chain();

std::size_t expected_samples(const std::string &text) {
  return text.size() * 50 * 16;
}

// Every sample the listener gets is heard: a sentence's total is exactly
// the length of its text, whoever spoke which word of it.
TEST(TtsChain, FailureInSentenceTwoResumesAtTheFirstWordNotHeardAndNeverRepeatsSentenceOne) {
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
  EXPECT_EQ(s.resumed[0], 0);
  EXPECT_EQ(s.resumed[1], 1) << "sentence 2 resumed once";
  EXPECT_EQ(s.resumed_at[1], 4u) << "at \"second\": \"The\" was heard whole, \"second\" had only begun";
  EXPECT_EQ(s.resumed[2], 0);
  EXPECT_EQ(s.answering, (std::vector<std::string>{"primary", "primary", "secondary", "primary"}));
  // Sentence 1 finished before sentence 2 began, and was never heard again.
  const auto done0 = std::find(s.log.begin(), s.log.end(), "done 0");
  ASSERT_NE(done0, s.log.end());
  EXPECT_EQ(std::find(done0, s.log.end(), "audio 0"), s.log.end());
  EXPECT_EQ(h.provider("tts", "primary").stats.failures.load(), 1u);
  EXPECT_EQ(h.provider("tts", "primary").stats.successes.load(), 2u) << "sentence 3 is back on the primary";
  EXPECT_EQ(h.provider("tts", "secondary").stats.successes.load(), 1u);
  EXPECT_EQ(s.sample_rate, 16000u);
}

// Without word timings the words heard are estimated from the audio passed
// on and the rate of the sentences before: 240 ms at 50 ms a byte is inside
// "second", which is spoken again from its start.
TEST(TtsChain, WithoutWordTimingsTheWordInProgressIsSpokenAgainFromItsStart) {
  test::ChainHarness h(chain("false"));
  Speech s;
  auto call = h.chains->tts()->start(s);
  call->add("First one.");
  call->add("The second one.");
  call->end();
  h.advance(milliseconds(2000));
  ASSERT_EQ(s.dones, 1);
  EXPECT_TRUE(s.outcome.ok()) << s.outcome.message;
  EXPECT_EQ(s.resumed_at[1], 4u);
  const std::size_t heard_of_primary = 12 * 320;
  EXPECT_EQ(s.samples[1], heard_of_primary + expected_samples("second one."))
      << "the 40 ms of \"second\" the primary got to is heard twice, nothing more";
}

// The last word's audio is complete only when the provider says it is done:
// one that sends all of it and then fails has its last word spoken again,
// whole, by the next.
TEST(TtsChain, AFailureAfterAllTheAudioHasTheLastWordSpokenByTheNextProvider) {
  test::ChainHarness h(
      "tts:\n"
      "  - {name: primary, plugin: tts-tone, config: {fail_on: Go, fail_after_chunks: 18}}\n"
      "  - {name: secondary, plugin: tts-tone}\n");
  Speech s;
  auto call = h.chains->tts()->start(s);
  call->add("Go now.");  // 350 ms: 18 chunks, all sent before the failure
  call->end();
  h.advance(milliseconds(500));
  ASSERT_EQ(s.dones, 1);
  EXPECT_TRUE(s.outcome.ok()) << s.outcome.message;
  EXPECT_EQ(s.resumed_at[0], 3u);
  EXPECT_EQ(s.samples[0], expected_samples("Go now."));
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
  EXPECT_EQ(s.resumed[0], 0) << "nothing of \"Hello\" was passed on before it stalled: it starts again, unheard";
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
