// The `fault:` block: each kind of fault, on a manual clock.
#include "resilience/fault_injection.hpp"

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;

class Answer : public LlmListener {
 public:
  void on_token(std::string_view t) override { text += t; }
  void on_done(const Outcome &o) override {
    done = true;
    outcome = o;
  }
  std::string text;
  bool done = false;
  Outcome outcome;
};

LlmChainRequest ask() {
  LlmChainRequest r;
  r.messages = {{"user", "hi"}};
  return r;
}

std::string one(const std::string &fault) {
  return "llm:\n  - name: only\n    plugin: llm-scripted\n    circuit: {failure_threshold: 1000, window: 1000, "
         "min_calls: 1000}\n"
         "    config: {reply: \"one two three four\", token_ms: 10}\n    fault: " +
         fault + "\n";
}

// Which of 40 calls failed, as a string of 0 and 1.
std::string pattern(const std::string &fault) {
  test::ChainHarness h(one(fault));
  std::string out;
  for (int i = 0; i < 40; ++i) {
    Answer a;
    h.chains->llm()->start(ask(), a);
    h.advance(milliseconds(100));
    out += a.outcome.ok() ? '0' : '1';
  }
  return out;
}

TEST(FaultInjection, ErrorRateFollowsTheSeed) {
  const std::string a = pattern("{error_rate: 0.5, seed: 7}");
  EXPECT_EQ(a, pattern("{error_rate: 0.5, seed: 7}")) << "the same seed gives the same failures";
  EXPECT_NE(a, pattern("{error_rate: 0.5, seed: 8}"));
  const auto failures = std::count(a.begin(), a.end(), '1');
  EXPECT_GT(failures, 8);
  EXPECT_LT(failures, 32);
  EXPECT_EQ(pattern("{error_rate: 0}"), std::string(40, '0'));
  EXPECT_EQ(pattern("{error_rate: 1}"), std::string(40, '1'));
}

TEST(FaultInjection, LatencyDelaysTheStart) {
  test::ChainHarness h(one("{latency_ms: 150}"));
  Answer a;
  h.chains->llm()->start(ask(), a);
  h.advance(milliseconds(149));
  EXPECT_TRUE(a.text.empty());
  h.advance(milliseconds(1));
  h.advance(milliseconds(1));
  EXPECT_EQ(a.text, "one");
  h.advance(milliseconds(100));
  EXPECT_TRUE(a.outcome.ok());
}

TEST(FaultInjection, CutAfterChunksBreaksTheStreamThere) {
  test::ChainHarness h(one("{cut_after_chunks: 2}"));
  Answer a;
  h.chains->llm()->start(ask(), a);
  h.advance(milliseconds(200));
  ASSERT_TRUE(a.done);
  EXPECT_EQ(a.text, "one two");
  EXPECT_EQ(a.outcome.status, Status::retryable);
  EXPECT_EQ(a.outcome.message, "all llm providers failed: only: injected fault: stream cut after 2 chunks");
}

// The cut falls on the stream's last chunk: the call is over (the inner
// stream ended by itself) before the task that cuts it runs. That task must
// find the call still there (AddressSanitizer reported a use after free).
TEST(FaultInjection, AStreamOfExactlyCutAfterChunksEndsOnceAndLeavesNothingBehind) {
  // fixture-llm-echo sends every token and its end in one task: the call is
  // over before the task that cuts it gets to run.
  test::ChainHarness h("llm:\n  - {name: only, plugin: fixture-llm-echo, fault: {cut_after_chunks: 1}}\n");
  for (int i = 0; i < 3; ++i) {
    Answer a;
    h.chains->llm()->start(ask(), a);
    h.advance(milliseconds(200));
    ASSERT_TRUE(a.done);
    EXPECT_EQ(a.text, "hi");
  }
  class Speech : public TtsListener {
   public:
    void on_audio(std::size_t, const std::int16_t *, std::size_t, std::uint32_t) override {}
    void on_done(const Outcome &o) override {
      ++dones;
      outcome = o;
    }
    int dones = 0;
    Outcome outcome;
  } speech;
  test::ChainHarness t(
      "tts:\n  - {name: t, plugin: tts-tone, config: {chunk_interval_ms: 1}, fault: {cut_after_chunks: 5}}\n");
  auto call = t.chains->tts()->start(speech);
  call->add("Hi");  // 2 characters, 100 ms: 5 chunks of 20 ms
  call->end();
  t.advance(milliseconds(500));
  EXPECT_EQ(speech.dones, 1);
}

TEST(FaultInjection, LatencyCancelledBeforeTheStartEndsTheCall) {
  test::ChainHarness h(one("{latency_ms: 500}"));
  Answer a;
  auto call = h.chains->llm()->start(ask(), a);
  h.advance(milliseconds(100));
  call->cancel();
  h.advance(milliseconds(1000));
  EXPECT_TRUE(a.done);
  EXPECT_EQ(a.outcome.status, Status::cancelled);
  EXPECT_TRUE(a.text.empty()) << "the delayed start never happened";
}

TEST(FaultInjection, HangNeverAnswersUntilCancelled) {
  test::ChainHarness h(
      "llm:\n  - name: only\n    plugin: llm-scripted\n    timeouts: {first_byte_ms: 100000, total_ms: 100000}\n"
      "    fault: {hang: true}\n");
  Answer a;
  auto call = h.chains->llm()->start(ask(), a);
  h.advance(milliseconds(5000));
  EXPECT_FALSE(a.done);
  call->cancel();
  h.run();
  EXPECT_TRUE(a.done);
  EXPECT_EQ(a.outcome.status, Status::cancelled);
}

TEST(FaultInjection, TtsAndSttFaultsApplyToo) {
  test::ChainHarness h(
      "tts:\n  - {name: t, plugin: tts-tone, fault: {error_rate: 1}}\n"
      "stt:\n  - {name: s, plugin: stt-scripted, fault: {error_rate: 1}}\n");
  class Speech : public TtsListener {
   public:
    void on_audio(std::size_t, const std::int16_t *, std::size_t, std::uint32_t) override {}
    void on_done(const Outcome &o) override { outcome = o; }
    Outcome outcome;
  } speech;
  auto tts = h.chains->tts()->start(speech);
  tts->add("Hello.");
  tts->end();
  h.run();
  EXPECT_EQ(speech.outcome.message, "all tts providers failed: t: injected fault: error");
  class Words : public SttListener {
   public:
    void on_partial(std::string_view) override {}
    void on_final(std::string_view, float, std::string_view) override {}
    void on_done(const Outcome &o) override { outcome = o; }
    Outcome outcome;
  } words;
  h.chains->stt()->start(words, 1600);
  h.run();
  EXPECT_EQ(words.outcome.message, "all stt providers failed: s: injected fault: error");
}

}  // namespace
}  // namespace switchboard::resilience
