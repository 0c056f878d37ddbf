// Background recovery probes: an open provider is tried off the users' path
// until it answers, and no user's call waits on it meanwhile.
#include "resilience/prober.hpp"

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class Answer : public LlmListener {
 public:
  explicit Answer(core::Clock &clock) : clock_(clock), started_(clock.now()) {}
  void on_token(std::string_view t) override {
    if (text.empty()) first_token = clock_.now() - started_;
    text += t;
  }
  void on_done(const Outcome &o) override { outcome = o; }
  std::string text;
  core::Duration first_token{};
  Outcome outcome;

 private:
  core::Clock &clock_;
  core::TimePoint started_;
};

LlmChainRequest ask() {
  LlmChainRequest r;
  r.messages = {{"user", "hi"}};
  return r;
}

// The primary fails its first four calls; its open period is long, so only
// a probe can bring it back.
const char *kChain =
    "llm:\n"
    "  - name: primary\n"
    "    plugin: llm-scripted\n"
    "    timeouts: {first_byte_ms: 5000}\n"
    "    circuit: {failure_threshold: 1, open_seconds: 1000, open_jitter: 0}\n"
    "    probe: {interval_seconds: 1, timeout_ms: 500}\n"
    "    config: {reply: primary, first_token_ms: 20, fail_first_calls: 4}\n"
    "  - {name: secondary, plugin: llm-scripted, config: {reply: secondary, first_token_ms: 2}}\n";

TEST(Prober, AnOpenProviderIsProbedUntilItAnswersAndThenTakesTrafficAgain) {
  test::ChainHarness h(kChain);
  auto &primary = h.provider("llm", "primary");
  Answer tripped(h.clock());
  h.chains->llm()->start(ask(), tripped);
  h.advance(milliseconds(100));
  ASSERT_EQ(tripped.text, "secondary");
  ASSERT_EQ(primary.breaker.snapshot().state, BreakerState::open);
  // Probes 1 to 3 are the primary's calls 2 to 4: they fail and it stays open.
  for (int probe = 1; probe <= 3; ++probe) {
    h.advance(seconds(1));
    h.advance(milliseconds(100));
    EXPECT_EQ(primary.stats.probes.load(), static_cast<std::uint64_t>(probe));
    EXPECT_EQ(primary.breaker.snapshot().state, BreakerState::open) << "probe " << probe;
    // Meanwhile users are answered by the secondary with no wait on the primary.
    Answer user(h.clock());
    h.chains->llm()->start(ask(), user);
    h.advance(milliseconds(50));
    EXPECT_EQ(user.text, "secondary");
    EXPECT_EQ(user.first_token, milliseconds(2)) << "a skipped provider costs the user nothing";
  }
  EXPECT_EQ(primary.stats.probe_failures.load(), 3u);
  EXPECT_EQ(primary.stats.calls.load(), 1u) << "probes are not users' calls";
  h.advance(seconds(1));
  h.advance(milliseconds(100));
  EXPECT_EQ(primary.breaker.snapshot().state, BreakerState::closed) << "the fourth probe answered";
  Answer back(h.clock());
  h.chains->llm()->start(ask(), back);
  h.advance(milliseconds(100));
  EXPECT_EQ(back.text, "primary");
}

TEST(Prober, AProbeThatHangsTimesOutAndCountsAsAFailedProbe) {
  test::ChainHarness h(
      "llm:\n"
      "  - name: dead\n"
      "    plugin: llm-scripted\n"
      "    circuit: {failure_threshold: 1, open_seconds: 1000, open_jitter: 0}\n"
      "    probe: {interval_seconds: 1, timeout_ms: 300}\n"
      "    fault: {hang: true}\n"
      "    timeouts: {first_byte_ms: 100}\n"
      "  - {name: spare, plugin: llm-scripted}\n");
  auto &dead = h.provider("llm", "dead");
  Answer a(h.clock());
  h.chains->llm()->start(ask(), a);
  h.advance(milliseconds(200));
  ASSERT_EQ(dead.breaker.snapshot().state, BreakerState::open);
  h.advance(seconds(1));
  EXPECT_EQ(dead.stats.probes.load(), 1u);
  EXPECT_EQ(dead.breaker.snapshot().state, BreakerState::half_open) << "the probe is in flight";
  h.advance(milliseconds(300));
  h.advance(milliseconds(10));
  EXPECT_EQ(dead.stats.probe_failures.load(), 1u);
  EXPECT_EQ(dead.breaker.snapshot().state, BreakerState::open);
  auto last = h.chains->view()["providers"]["llm"]["providers"][0]["stats"]["last_error"]["message"];
  EXPECT_EQ(last, "probe: probe timed out");
}

TEST(Prober, TtsAndSttProvidersAreProbedWithAWordAndASilence) {
  test::ChainHarness h(
      "tts:\n"
      "  - {name: voice, plugin: tts-tone, probe: {interval_seconds: 1}}\n"
      "stt:\n"
      "  - {name: ears, plugin: stt-scripted, probe: {interval_seconds: 1}}\n");
  auto &voice = h.provider("tts", "voice");
  auto &ears = h.provider("stt", "ears");
  voice.breaker.force_open();
  ears.breaker.force_open();
  h.advance(seconds(2));
  EXPECT_EQ(voice.stats.probes.load(), 0u) << "a provider forced open by its operator is not probed";
  voice.breaker.reset();
  ears.breaker.reset();
  // Trip them as calls would.
  for (auto *p : {&voice, &ears}) {
    for (int i = 0; i < 3; ++i) {
      const Permit permit = p->breaker.try_acquire();
      p->breaker.on_failure(permit);
    }
    ASSERT_EQ(p->breaker.snapshot().state, BreakerState::open);
  }
  h.advance(seconds(1));
  h.advance(milliseconds(600));
  EXPECT_EQ(voice.stats.probes.load(), 1u);
  EXPECT_EQ(ears.stats.probes.load(), 1u);
  EXPECT_EQ(voice.breaker.snapshot().state, BreakerState::closed);
  EXPECT_EQ(ears.breaker.snapshot().state, BreakerState::closed);
}

}  // namespace
}  // namespace switchboard::resilience
