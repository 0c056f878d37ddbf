// What every chain does when it picks a provider: bulkheads, Retry-After,
// every breaker open, skipped providers in the final error, the call budget,
// each provider's own model and voice. Driven by the scripted plugins on a
// manual clock.
#include "resilience/chain.hpp"

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Type = ChainEvent::Type;

class Answer : public LlmListener {
 public:
  void on_token(std::string_view t) override { text += t; }
  void on_event(const ChainEvent &e) override {
    if (e.type == Type::answering) answering.push_back(e.provider);
    if (e.type == Type::skipped) skipped.push_back(e.provider + ": " + e.detail);
  }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
  }
  bool done() const { return dones > 0; }
  std::string text;
  std::vector<std::string> answering;
  std::vector<std::string> skipped;
  int dones = 0;
  Outcome outcome;
};

LlmChainRequest ask(const std::string &model = "") {
  LlmChainRequest r;
  r.messages = {{"user", "hi"}};
  r.model = model;
  return r;
}

TEST(Chain, AProviderAtMaxConcurrentIsSkippedNotFailed) {
  test::ChainHarness h(
      "llm:\n"
      "  - {name: small, plugin: llm-scripted, max_concurrent: 1, config: {reply: small, first_token_ms: 100}}\n"
      "  - {name: big, plugin: llm-scripted, config: {reply: big}}\n");
  Answer first, second, third;
  h.chains->llm()->start(ask(), first);
  h.chains->llm()->start(ask(), second);
  h.advance(milliseconds(300));
  EXPECT_EQ(first.text, "small");
  EXPECT_EQ(second.text, "big") << "the bulkhead was full";
  EXPECT_EQ(second.skipped, std::vector<std::string>{"small: at max_concurrent"});
  auto &small = h.provider("llm", "small");
  EXPECT_EQ(small.stats.skipped.load(), 1u);
  EXPECT_EQ(small.stats.failures.load(), 0u);
  EXPECT_EQ(small.breaker.snapshot().consecutive_failures, 0);
  EXPECT_EQ(small.in_flight.load(), 0) << "the place is given back when the call ends";
  h.chains->llm()->start(ask(), third);
  h.advance(milliseconds(300));
  EXPECT_EQ(third.text, "small");
}

TEST(Chain, RetryAfterKeepsAProviderOutForThatLong) {
  test::ChainHarness h(
      "llm:\n"
      "  - name: limited\n"
      "    plugin: llm-scripted\n"
      "    circuit: {failure_threshold: 100}\n"
      "    config: {reply: limited, fail_first_calls: 1, fail_message: \"429 slow down\", fail_retry_after_ms: "
      "2000}\n"
      "  - {name: spare, plugin: llm-scripted, config: {reply: spare}}\n");
  Answer a;
  h.chains->llm()->start(ask(), a);
  h.advance(milliseconds(50));
  EXPECT_EQ(a.text, "spare");
  Answer b;
  h.chains->llm()->start(ask(), b);
  h.advance(milliseconds(50));
  EXPECT_EQ(b.text, "spare") << "still inside the 2 s it asked for";
  EXPECT_EQ(b.skipped, std::vector<std::string>{"limited: retry-after"});
  h.advance(milliseconds(2000));
  Answer c;
  h.chains->llm()->start(ask(), c);
  h.advance(milliseconds(50));
  EXPECT_EQ(c.text, "limited");
}

std::string both_fail_once(const std::string &chains = "") {
  return chains +
         "llm:\n"
         "  - {name: a, plugin: llm-scripted, circuit: {failure_threshold: 1, open_seconds: 20, open_jitter: 0}, "
         "config: {reply: from a, fail_first_calls: 1}}\n"
         "  - {name: b, plugin: llm-scripted, circuit: {failure_threshold: 1, open_seconds: 10, open_jitter: 0}, "
         "config: {reply: from b, fail_first_calls: 1}}\n";
}

TEST(Chain, EveryBreakerOpenTriesTheOneThatReopensSoonest) {
  test::ChainHarness h(both_fail_once());
  Answer down;
  h.chains->llm()->start(ask(), down);
  h.advance(milliseconds(50));
  ASSERT_FALSE(down.outcome.ok());
  Answer next;
  h.chains->llm()->start(ask(), next);
  h.advance(milliseconds(50));
  EXPECT_TRUE(next.outcome.ok()) << next.outcome.message;
  EXPECT_EQ(next.text, "from b") << "b's open period (10 s) ends before a's (20 s)";
  EXPECT_EQ(h.provider("llm", "b").breaker.snapshot().state, BreakerState::closed) << "the early call was its probe";
}

TEST(Chain, EveryBreakerOpenFailsAtOnceWhenTheChainSaysSo) {
  test::ChainHarness h(both_fail_once("chains:\n  llm: {when_all_open: fail}\n"));
  Answer down;
  h.chains->llm()->start(ask(), down);
  h.advance(milliseconds(50));
  Answer next;
  h.chains->llm()->start(ask(), next);
  ASSERT_TRUE(next.done()) << "no provider was called";
  EXPECT_EQ(next.outcome.message, "all llm providers failed: a: circuit open; b: circuit open");
}

TEST(Chain, SkippedProvidersAreNamedInTheFinalError) {
  test::ChainHarness h(
      "llm:\n"
      "  - {name: a, plugin: llm-scripted}\n"
      "  - {name: b, plugin: llm-scripted, config: {fail_after_tokens: 0, fail_message: upstream 503}}\n");
  ASSERT_TRUE(h.chains->force_open("llm", "a"));
  Answer x;
  h.chains->llm()->start(ask(), x);
  h.advance(milliseconds(50));
  ASSERT_TRUE(x.done());
  EXPECT_EQ(x.outcome.message, "all llm providers failed: a: circuit open; b: upstream 503");
}

TEST(Chain, TheCallBudgetBoundsTheWorstCaseAcrossAttempts) {
  test::ChainHarness h(
      "chains:\n  llm: {call_ms: 300}\n"
      "llm:\n"
      "  - {name: a, plugin: llm-scripted, timeouts: {first_byte_ms: 200}, fault: {hang: true}}\n"
      "  - {name: b, plugin: llm-scripted, timeouts: {first_byte_ms: 200}, fault: {hang: true}}\n"
      "  - {name: c, plugin: llm-scripted, timeouts: {first_byte_ms: 200}}\n");
  Answer x;
  h.chains->llm()->start(ask(), x);
  h.advance(milliseconds(299));
  EXPECT_FALSE(x.done()) << "a timed out at 200 ms; b has until the budget ends";
  h.advance(milliseconds(2));
  ASSERT_TRUE(x.done()) << "300 ms, not 3 x 200";
  EXPECT_EQ(x.outcome.status, Status::retryable);
  EXPECT_EQ(x.outcome.message, "no answer within the llm call budget of 300 ms: a: no first byte after 200 ms");
  EXPECT_EQ(h.provider("llm", "b").stats.failures.load(), 0u) << "running out of the call's budget is not b's fault";
  EXPECT_EQ(h.provider("llm", "c").stats.calls.load(), 0u);
}

TEST(Chain, EachLlmProviderIsAskedForItsOwnModel) {
  const std::string chain =
      "llm:\n"
      "  - {name: hosted, plugin: llm-scripted, config: {reply: hosted, models: [gpt-big], fail_first_calls: 1}}\n"
      "  - {name: local, plugin: llm-scripted, config: {reply: local, models: [llama3.2]}";
  {
    test::ChainHarness h(chain + "}\n");
    Answer x;
    h.chains->llm()->start(ask("gpt-big"), x);
    h.advance(milliseconds(50));
    EXPECT_EQ(x.outcome.message, "all llm providers failed: hosted: scripted failure; local: model 'gpt-big' not found")
        << "without its own model the fallback refuses the request's";
  }
  test::ChainHarness h(chain + ", model: llama3.2}\n");
  Answer x;
  h.chains->llm()->start(ask("gpt-big"), x);
  h.advance(milliseconds(50));
  EXPECT_TRUE(x.outcome.ok()) << x.outcome.message;
  EXPECT_EQ(x.text, "local");
}

class Speech : public TtsListener {
 public:
  void on_audio(std::size_t, const std::int16_t *, std::size_t count, std::uint32_t) override { samples += count; }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
  }
  std::size_t samples = 0;
  int dones = 0;
  Outcome outcome;
};

TEST(Chain, EachTtsProviderSpeaksInItsOwnVoice) {
  // The conversation asks for flite's "slt"; tts-tone knows only "tone" and "low".
  test::ChainHarness h(
      "tts:\n"
      "  - {name: first, plugin: tts-tone, voice: tone, config: {fail_on: Hello, fail_after_chunks: 0}}\n"
      "  - {name: second, plugin: tts-tone, voice_map: {slt: low}}\n"
      "  - {name: third, plugin: tts-tone}\n");
  Speech s;
  auto call = h.chains->tts()->start(s, "slt");
  call->add("Hello.");
  call->end();
  h.advance(milliseconds(500));
  ASSERT_EQ(s.dones, 1);
  EXPECT_TRUE(s.outcome.ok()) << s.outcome.message;
  EXPECT_EQ(h.provider("tts", "second").stats.successes.load(), 1u) << "asked for \"low\", which it has";
  EXPECT_EQ(h.provider("tts", "third").stats.calls.load(), 0u);
  // A provider without the voice, and none configured, speaks in its own
  // default instead of failing on a voice only another provider has.
  h.chains->force_open("tts", "first");
  h.chains->force_open("tts", "second");
  Speech t;
  auto own = h.chains->tts()->start(t, "slt");
  own->add("Hi there.");
  own->end();
  h.advance(milliseconds(500));
  EXPECT_TRUE(t.outcome.ok()) << t.outcome.message;
  EXPECT_EQ(h.provider("tts", "third").stats.successes.load(), 1u);
}

TEST(Chain, AVoiceAProviderListsIsAskedForAsItIsAndEveryProviderShowsItsVoices) {
  test::ChainHarness h(
      "tts:\n"
      "  - {name: fixed, plugin: tts-tone, voice: tone}\n"
      "  - {name: mapped, plugin: tts-tone, voice_map: {tara: low}}\n");
  EXPECT_EQ(h.provider("tts", "fixed").voice_for("low"), "low") << "listed: the client's choice wins";
  EXPECT_EQ(h.provider("tts", "fixed").voice_for("slt"), "tone") << "not listed: its configured voice";
  EXPECT_EQ(h.provider("tts", "fixed").voice_for(""), "tone");
  EXPECT_EQ(h.provider("tts", "mapped").voice_for("tara"), "low");
  EXPECT_EQ(h.provider("tts", "mapped").voice_for("slt"), "") << "its own default";
  const auto view = h.chains->view()["providers"]["tts"]["providers"];
  EXPECT_EQ(view[0]["voices"], (nlohmann::json{"tone", "low"}));
  EXPECT_EQ(view[1]["voices"], (nlohmann::json{"tone", "low", "tara"}));
}

}  // namespace
}  // namespace switchboard::resilience
