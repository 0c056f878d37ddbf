// The llm chain, driven by llm-scripted plugins on a manual clock.
#include "resilience/llm_chain.hpp"

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;
using Type = ChainEvent::Type;

class Answer : public LlmListener {
 public:
  void on_token(std::string_view t) override { text += t; }
  void on_tool_calls(std::vector<ToolCall> c) override {
    ++tool_deliveries;
    calls = std::move(c);
  }
  void on_event(const ChainEvent &e) override { events.push_back(e); }
  void on_done(const Outcome &o) override {
    ++dones;
    outcome = o;
  }
  bool done() const { return dones > 0; }

  std::string text;
  std::vector<ChainEvent> events;
  std::vector<ToolCall> calls;
  int tool_deliveries = 0;
  int dones = 0;
  Outcome outcome;
};

LlmChainRequest ask(const std::string &text) {
  LlmChainRequest r;
  r.messages = {{"user", text}};
  return r;
}

const std::string kReply = "The quick brown fox jumps over the lazy dog.";

std::string two_providers(const std::string &primary_extra, const std::string &primary_top = "",
                          const std::string &secondary_extra = "") {
  return "llm:\n"
         "  - name: primary\n"
         "    plugin: llm-scripted\n" +
         primary_top +
         "    timeouts: {first_byte_ms: 200, idle_ms: 100, total_ms: 5000}\n"
         "    config: {reply: \"" +
         kReply + "\", token_ms: 10" + primary_extra +
         "}\n"
         "  - name: secondary\n"
         "    plugin: llm-scripted\n"
         "    config: {reply: \"" +
         kReply + "\", token_ms: 10" + secondary_extra + "}\n";
}

TEST(LlmChain, PrimaryFailingBeforeItsFirstByteFallsBackInTheSameTurn) {
  test::ChainHarness h(two_providers(", fail_after_tokens: 0, fail_message: upstream 503"));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  EXPECT_TRUE(a.outcome.ok()) << a.outcome.message;
  EXPECT_EQ(a.text, kReply);
  EXPECT_EQ(call->answered_by(), "secondary");
  EXPECT_EQ(h.chains->llm()->fallback_count(), 1u);
  EXPECT_EQ(h.provider("llm", "primary").stats.failures.load(), 1u);
  EXPECT_EQ(h.provider("llm", "primary").breaker.snapshot().consecutive_failures, 1);
  EXPECT_EQ(h.provider("llm", "secondary").stats.successes.load(), 1u);
  EXPECT_EQ(h.count(Type::fallback, "primary"), 1u);
  ASSERT_FALSE(a.events.empty());
  EXPECT_EQ(a.events.front().type, Type::selected);
  EXPECT_EQ(a.events.front().provider, "primary");
}

TEST(LlmChain, AStallAfterThreeTokensContinuesOnTheSecondaryWithoutRepeats) {
  test::ChainHarness h(two_providers(", stall_after_tokens: 3"));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(100));
  EXPECT_EQ(a.text, "The quick brown") << "three tokens, then silence";
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  EXPECT_TRUE(a.outcome.ok());
  EXPECT_EQ(a.text, kReply) << "no repeated and no lost words";
  EXPECT_EQ(h.provider("llm", "primary").stats.timeouts.load(), 1u);
  EXPECT_EQ(call->answered_by(), "secondary");
  bool idle_reported = false;
  for (const auto &e : a.events) idle_reported |= e.type == Type::failed && e.detail == "stream idle for 100 ms";
  EXPECT_TRUE(idle_reported);
}

TEST(LlmChain, ASecondaryThatRestartsTheAnswerIsTrimmed) {
  test::ChainHarness h(two_providers(", stall_after_tokens: 3", "", ", on_continue: restart"));
  Answer a;
  h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(800));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(a.text, kReply);
}

TEST(LlmChain, CutsAtSeveralPointsNeverRepeatOrLoseAWord) {
  for (int cut = 1; cut <= 8; ++cut) {
    for (const std::string style : {"resume", "restart"}) {
      test::ChainHarness h(two_providers(", fail_after_tokens: " + std::to_string(cut), "", ", on_continue: " + style));
      Answer a;
      h.chains->llm()->start(ask("hi"), a);
      h.advance(milliseconds(800));
      ASSERT_TRUE(a.done());
      EXPECT_EQ(a.text, kReply) << "cut after " << cut << " tokens, secondary " << style;
    }
  }
}

TEST(LlmChain, AHangingPrimaryIsBoundedByFirstByteMs) {
  test::ChainHarness h(two_providers("", "    fault: {hang: true}\n"));
  Answer a;
  h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(199));
  EXPECT_TRUE(a.text.empty());
  EXPECT_EQ(h.count(Type::fallback), 0u);
  h.advance(milliseconds(1));
  EXPECT_EQ(h.count(Type::fallback, "primary"), 1u) << "the first-byte watchdog fires at 200 ms";
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(a.text, kReply);
}

TEST(LlmChain, HedgingStartsTheNextProviderAndKeepsTheFirstToAnswer) {
  test::ChainHarness h(two_providers(", first_token_ms: 150", "    hedge_after_ms: 30\n"));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(29));
  EXPECT_EQ(h.count(Type::hedge_started), 0u);
  h.advance(milliseconds(1));
  EXPECT_EQ(h.count(Type::hedge_started, "secondary"), 1u);
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(a.text, kReply);
  EXPECT_EQ(call->answered_by(), "secondary");
  EXPECT_EQ(h.count(Type::hedge_won, "secondary"), 1u);
  EXPECT_EQ(h.provider("llm", "primary").stats.failures.load(), 0u) << "a lost race is not a failure";
  EXPECT_EQ(h.provider("llm", "primary").breaker.snapshot().consecutive_failures, 0);
}

std::string hedged(const std::string &primary_config, const std::string &hedge) {
  return "llm:\n"
         "  - name: primary\n"
         "    plugin: llm-scripted\n"
         "    hedge_after_ms: 20\n"
         "    timeouts: {first_byte_ms: 5000, total_ms: 60000}\n"
         "    config: {" +
         primary_config +
         "}\n"
         "  - name: hedge\n"
         "    plugin: llm-scripted\n"
         "    timeouts: {first_byte_ms: 5000, total_ms: 60000}\n" +
         hedge;
}

// A hedge refused at its start (the request's own fault, or cancelled)
// leaves the call to the provider it was racing.
TEST(LlmChain, AHedgeRefusedAtItsStartLeavesTheCallToThePrimary) {
  for (const char *status : {"invalid_input", "cancelled"}) {
    test::ChainHarness h(hedged("reply: \"From the primary.\", first_token_ms: 100",
                                std::string("    config: {reject_status: ") + status + "}\n"));
    Answer a;
    auto call = h.chains->llm()->start(ask("hi"), a);
    h.advance(milliseconds(500));
    ASSERT_TRUE(a.done()) << status;
    EXPECT_TRUE(a.outcome.ok()) << status << ": " << a.outcome.message;
    EXPECT_EQ(a.text, "From the primary.");
    EXPECT_EQ(call->answered_by(), "primary");
    EXPECT_EQ(h.provider("llm", "hedge").stats.failures.load(), 0u);
  }
}

// The primary answers OK with no words while its hedge hangs: the call is
// over, and so is the hedge (the harness fails a test that leaves a call
// holding its provider).
TEST(LlmChain, AnEmptyAnswerEndsTheCallAndCancelsTheHedgeStillRunning) {
  test::ChainHarness h(hedged("reply: \"\", first_token_ms: 100", "    fault: {hang: true}\n"));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  EXPECT_TRUE(a.outcome.ok()) << a.outcome.message;
  EXPECT_EQ(call->answered_by(), "primary");
  auto &hedge = h.provider("llm", "hedge");
  EXPECT_EQ(hedge.stats.calls.load(), 1u) << "the hedge did start";
  EXPECT_EQ(hedge.stats.failures.load(), 0u) << "a lost race is not a failure";
  EXPECT_EQ(hedge.breaker.snapshot().probes_in_flight, 0);
}

// The hedge starts and fails before its first byte; the primary answers.
// Whoever is told who answered hears the primary.
TEST(LlmChain, AFailedHedgeIsNotCreditedWithThePrimarysAnswer) {
  test::ChainHarness h(
      hedged("reply: \"From the primary.\", first_token_ms: 100", "    config: {fail_after_tokens: 0}\n"));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(a.text, "From the primary.");
  std::vector<std::string> answering;
  for (const auto &e : a.events) {
    if (e.type == Type::answering) answering.push_back(e.provider);
  }
  EXPECT_EQ(answering, std::vector<std::string>{"primary"});
  EXPECT_EQ(h.provider("llm", "primary").stats.successes.load(), 1u);
  EXPECT_EQ(h.provider("llm", "hedge").stats.successes.load(), 0u);
}

TEST(LlmChain, BreakerOpensHalfOpensAndTrafficReturnsToThePrimary) {
  test::ChainHarness h(
      two_providers(", fail_first_calls: 2", "    circuit: {failure_threshold: 2, open_seconds: 10}\n"));
  for (int i = 0; i < 2; ++i) {
    Answer a;
    h.chains->llm()->start(ask("hi"), a);
    h.advance(milliseconds(600));
    ASSERT_TRUE(a.done());
    EXPECT_EQ(a.text, kReply);
  }
  auto &primary = h.provider("llm", "primary");
  EXPECT_EQ(primary.breaker.snapshot().state, BreakerState::open);
  EXPECT_EQ(h.chains->llm()->current(), "secondary");

  const auto calls_before = primary.stats.calls.load();
  Answer skipped;
  auto call = h.chains->llm()->start(ask("hi"), skipped);
  h.advance(milliseconds(600));
  EXPECT_EQ(call->answered_by(), "secondary");
  EXPECT_EQ(primary.stats.calls.load(), calls_before) << "an open breaker costs the primary no call";
  EXPECT_EQ(primary.stats.skipped.load(), 1u);

  h.advance(milliseconds(10000));
  EXPECT_EQ(h.chains->llm()->current(), "primary") << "open period over: the primary may be probed";
  Answer probe;
  call = h.chains->llm()->start(ask("hi"), probe);
  h.advance(milliseconds(600));
  EXPECT_EQ(call->answered_by(), "primary");
  EXPECT_EQ(primary.breaker.snapshot().state, BreakerState::closed);
  Answer next;
  call = h.chains->llm()->start(ask("hi"), next);
  h.advance(milliseconds(600));
  EXPECT_EQ(call->answered_by(), "primary") << "never sticky: traffic is back on the primary";
}

// A provider that refuses the request (an unknown model, a context too long
// for it) is not failing: the next one is asked, and no breaker counts it.
TEST(LlmChain, ARefusedRequestFallsBackUncounted) {
  test::ChainHarness h(two_providers(", fail_after_tokens: 0, fail_status: invalid_input, fail_message: too long"));
  Answer a;
  h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(800));
  ASSERT_TRUE(a.done());
  EXPECT_TRUE(a.outcome.ok()) << a.outcome.message;
  EXPECT_EQ(a.text, kReply);
  EXPECT_EQ(h.provider("llm", "secondary").stats.calls.load(), 1u);
  EXPECT_EQ(h.provider("llm", "primary").breaker.snapshot().consecutive_failures, 0);
  EXPECT_EQ(h.provider("llm", "primary").stats.failures.load(), 0u);
}

TEST(LlmChain, ARequestEveryProviderRefusesEndsAsTheRequestsOwnFault) {
  test::ChainHarness h(
      two_providers(", fail_after_tokens: 0, fail_status: invalid_input, fail_message: too long", "",
                    ", fail_after_tokens: 0, fail_status: invalid_input, fail_message: context too long"));
  Answer a;
  h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(300));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(a.outcome.status, Status::invalid_input);
  EXPECT_EQ(a.outcome.message, "all llm providers failed: primary: too long; secondary: context too long");
  EXPECT_EQ(h.provider("llm", "secondary").breaker.snapshot().consecutive_failures, 0);
}

TEST(LlmChain, EveryProviderDownGivesOneErrorAndTheNextTurnWorksWhenOneReturns) {
  test::ChainHarness h(
      "llm:\n"
      "  - {name: a, plugin: llm-scripted, config: {fail_first_calls: 1}, circuit: {failure_threshold: 5}}\n"
      "  - {name: b, plugin: llm-scripted, config: {fail_first_calls: 1, reply: ok}}\n");
  Answer down;
  h.chains->llm()->start(ask("hi"), down);
  h.advance(milliseconds(50));
  ASSERT_TRUE(down.done());
  EXPECT_EQ(down.dones, 1);
  EXPECT_EQ(down.outcome.status, Status::retryable);
  EXPECT_EQ(down.outcome.message, "all llm providers failed: a: scripted failure; b: scripted failure");
  EXPECT_EQ(h.count(Type::exhausted), 1u);
  Answer back;
  h.chains->llm()->start(ask("hi"), back);
  h.advance(milliseconds(50));
  EXPECT_TRUE(back.outcome.ok());
  EXPECT_EQ(back.text, "This is a scripted reply.");
}

TEST(LlmChain, CancelEndsTheCallAtOnceAndCountsNothing) {
  test::ChainHarness h(two_providers(""));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(25));
  EXPECT_FALSE(a.text.empty());
  call->cancel();
  EXPECT_TRUE(a.done()) << "done comes within the cancel call";
  EXPECT_EQ(a.outcome.status, Status::cancelled);
  const std::string heard = a.text;
  h.advance(milliseconds(500));
  EXPECT_EQ(a.text, heard) << "no token after the cancel";
  EXPECT_EQ(a.dones, 1);
  EXPECT_EQ(h.provider("llm", "primary").stats.failures.load(), 0u);
  EXPECT_EQ(h.provider("llm", "primary").stats.cancelled.load(), 1u);
}

TEST(LlmChain, ResetAndForceOpenShowInTheView) {
  test::ChainHarness h(two_providers(""));
  ASSERT_TRUE(h.chains->force_open("llm", "primary"));
  auto view = h.chains->view();
  auto entry = view["providers"]["llm"]["providers"][0];
  EXPECT_EQ(entry["circuit"]["state"], "open");
  EXPECT_EQ(entry["circuit"]["forced_open"], true);
  EXPECT_EQ(entry["available"], false);
  EXPECT_EQ(view["providers"]["llm"]["current_provider"], "secondary");
  EXPECT_EQ(view["summary"]["llm"]["available_count"], 1);
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(600));
  EXPECT_EQ(call->answered_by(), "secondary");
  ASSERT_TRUE(h.chains->reset("llm", ""));
  view = h.chains->view();
  EXPECT_EQ(view["providers"]["llm"]["providers"][0]["circuit"]["state"], "closed");
  EXPECT_EQ(view["providers"]["llm"]["current_provider"], "primary");
  EXPECT_FALSE(h.chains->reset("llm", "nobody"));
  EXPECT_FALSE(h.chains->force_open("tts", "primary"));
}

LlmChainRequest ask_with_tool(const std::string &text) {
  LlmChainRequest r = ask(text);
  r.tools_json = R"([{"type":"function","function":{"name":"search_documents","parameters":{"type":"object"}}}])";
  return r;
}

const std::string kToolCall = R"(, tool_call: {name: search_documents, arguments: '{"query":"zorbex reactor"}'})";

TEST(LlmChain, AToolCallIsDeliveredWholeOnceTheAnswerCompletes) {
  test::ChainHarness h(two_providers(kToolCall));
  Answer a;
  auto call = h.chains->llm()->start(ask_with_tool("hi"), a);
  h.advance(milliseconds(25));  // the name and two pieces of six arguments' pieces, 10 ms apart
  EXPECT_EQ(a.tool_deliveries, 0) << "pieces stay with the attempt until it completes";
  h.advance(milliseconds(500));
  ASSERT_TRUE(a.done());
  ASSERT_TRUE(a.outcome.ok()) << a.outcome.message;
  EXPECT_EQ(a.tool_deliveries, 1);
  ASSERT_EQ(a.calls.size(), 1U);
  EXPECT_EQ(a.calls[0].name, "search_documents");
  EXPECT_EQ(a.calls[0].id, "call_scripted_0");
  EXPECT_EQ(a.calls[0].arguments, R"({"query":"zorbex reactor"})");
  EXPECT_EQ(a.text, "");
}

TEST(LlmChain, AToolCallCutMidStreamIsNeverDeliveredTheNextProvidersIs) {
  // The primary dies two pieces into its call: name and part of the arguments.
  test::ChainHarness h(two_providers(kToolCall + ", fail_after_tokens: 2", "", kToolCall));
  Answer a;
  auto call = h.chains->llm()->start(ask_with_tool("hi"), a);
  h.advance(milliseconds(1000));
  ASSERT_TRUE(a.done());
  ASSERT_TRUE(a.outcome.ok()) << a.outcome.message;
  EXPECT_EQ(call->answered_by(), "secondary");
  EXPECT_EQ(a.tool_deliveries, 1) << "one call, from the provider that completed";
  ASSERT_EQ(a.calls.size(), 1U);
  EXPECT_EQ(a.calls[0].arguments, R"({"query":"zorbex reactor"})") << "not the primary's half joined to it";
  EXPECT_EQ(h.count(Type::fallback, "primary"), 1u);
}

TEST(LlmChain, ATurnThatOffersNoToolsGetsText) {
  test::ChainHarness h(two_providers(kToolCall));
  Answer a;
  auto call = h.chains->llm()->start(ask("hi"), a);
  h.advance(milliseconds(1000));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(a.tool_deliveries, 0);
  EXPECT_EQ(a.text, kReply);
}

TEST(LlmChain, APreferredProviderAnswersFirstAndTheRestStillFollow) {
  test::ChainHarness h(two_providers(""));
  Answer a;
  auto r = ask("hi");
  r.prefer = "secondary";
  auto call = h.chains->llm()->start(std::move(r), a);
  h.advance(milliseconds(1000));
  ASSERT_TRUE(a.done());
  EXPECT_EQ(call->answered_by(), "secondary");

  test::ChainHarness failing(two_providers("", "", ", fail_after_tokens: 0"));
  Answer b;
  auto r2 = ask("hi");
  r2.prefer = "secondary";
  auto call2 = failing.chains->llm()->start(std::move(r2), b);
  failing.advance(milliseconds(1000));
  ASSERT_TRUE(b.done());
  EXPECT_TRUE(b.outcome.ok()) << b.outcome.message;
  EXPECT_EQ(call2->answered_by(), "primary") << "the preferred one failed: the chain went on";
}

}  // namespace
}  // namespace switchboard::resilience
