// Many calls at once through a chain under fault injection, on real threads
// and real time: every call ends exactly once, with the whole answer and no
// word twice. Run under ThreadSanitizer by `make sanitize`.
#include <gtest/gtest.h>

#include "support/chain_harness.hpp"
#include "support/done_signal.hpp"

namespace switchboard::resilience {
namespace {

const std::string kReply = "alpha beta gamma delta epsilon zeta eta theta";

class Answer : public LlmListener {
 public:
  void on_token(std::string_view t) override { text += t; }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
    finished.set();
  }
  std::string text;
  int dones = 0;
  Outcome outcome;
  test::DoneSignal finished;
};

TEST(ChainConcurrency, ConcurrentCallsUnderFaultsLoseAndRepeatNothing) {
  test::ThreadedChainHarness h(
      "llm:\n"
      "  - name: flaky\n"
      "    plugin: llm-scripted\n"
      "    circuit: {failure_threshold: 1000, window: 10000, min_calls: 10000}\n"
      "    fault: {error_rate: 0.3, cut_after_chunks: 3, seed: 42}\n"
      "    config: {reply: \"" +
      kReply +
      "\", token_ms: 1}\n"
      "  - name: steady\n"
      "    plugin: llm-scripted\n"
      "    config: {reply: \"" +
      kReply + "\", token_ms: 1, on_continue: restart}\n");
  constexpr int kCalls = 300;
  std::vector<std::unique_ptr<Answer>> answers;
  std::vector<std::shared_ptr<LlmCall>> calls;
  for (int i = 0; i < kCalls; ++i) {
    answers.push_back(std::make_unique<Answer>());
    LlmChainRequest r;
    r.messages = {{"user", "call " + std::to_string(i)}};
    calls.push_back(h.chains->llm()->start(r, *answers.back()));
  }
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(answers[i]->finished.wait(std::chrono::seconds(60))) << "call " << i << " never ended";
    EXPECT_TRUE(answers[i]->outcome.ok()) << answers[i]->outcome.message;
    EXPECT_EQ(answers[i]->text, kReply) << "call " << i;
    EXPECT_EQ(answers[i]->dones, 1);
  }
  const auto &flaky = h.provider("llm", "flaky").stats;
  EXPECT_EQ(flaky.calls.load(), static_cast<std::uint64_t>(kCalls));
  EXPECT_EQ(flaky.failures.load(), static_cast<std::uint64_t>(kCalls))
      << "every flaky call failed one way or the other";
  EXPECT_EQ(h.chains->llm()->fallback_count(), static_cast<std::uint64_t>(kCalls));
}

}  // namespace
}  // namespace switchboard::resilience
