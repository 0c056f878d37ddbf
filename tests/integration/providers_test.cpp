// The cloud providers in a running system: a chain with llm-openai first
// falls back to the offline answerer when the upstream misbehaves, comes
// back when it recovers, and no API key ever reaches a log line or a view.
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "resilience/llm_chain.hpp"
#include "support/chain_harness.hpp"
#include "support/done_signal.hpp"
#include "support/process.hpp"
#include "upstream/upstream.hpp"

namespace switchboard::test {
namespace {

using upstream::FaultKind;

class Answer : public resilience::LlmListener {
 public:
  void on_token(std::string_view t) override {
    std::lock_guard lock(mutex);
    text += t;
  }
  void on_event(const resilience::ChainEvent &e) override {
    std::lock_guard lock(mutex);
    if (e.type == resilience::ChainEvent::Type::selected) answered_by = e.provider;
    if (e.type == resilience::ChainEvent::Type::fallback) ++fallbacks;
    if (e.type == resilience::ChainEvent::Type::failed) failures += e.provider + ": " + e.detail + "\n";
  }
  void on_done(const sdk::Outcome &o) override {
    {
      std::lock_guard lock(mutex);
      outcome = o;
    }
    finished.set();
  }
  std::mutex mutex;
  std::string text;
  std::string answered_by;
  int fallbacks = 0;
  std::string failures;
  sdk::Outcome outcome;
  DoneSignal finished;
};

std::string chain_yaml(const std::string &base_url) {
  return "llm:\n"
         "  - name: cloud\n"
         "    plugin: llm-openai\n"
         "    circuit: {failure_threshold: 100}\n"
         "    timeouts: {first_byte_ms: 400, idle_ms: 400, total_ms: 10000}\n"
         "    config: {base_url: \"" +
         base_url +
         "/v1\", api_key: sk-test-key, model: gpt-4o-mini}\n"
         "  - name: local\n"
         "    plugin: llm-kb\n"
         "    config: {knowledge: knowledge/parenting.yaml}\n";
}

upstream::Upstream &started(upstream::Upstream &up) {
  up.start();
  return up;
}

struct Failover : ::testing::Test {
  upstream::Upstream up;
  ThreadedChainHarness h{chain_yaml(started(up).url()),
                         std::string(SWITCHBOARD_SOURCE_DIR) + "/config/switchboard.yaml"};

  std::unique_ptr<Answer> ask(const std::string &question) {
    auto a = std::make_unique<Answer>();
    resilience::LlmChainRequest r;
    r.messages = {{"user", question}};
    auto call = h.chains->llm()->start(r, *a);
    EXPECT_TRUE(a->finished.wait(std::chrono::seconds(20))) << "the turn never ended";
    EXPECT_TRUE(a->outcome.ok()) << a->outcome.message;
    return a;
  }
};

TEST_F(Failover, FallsBackOnEachFaultWithoutRepeatingAWordAndReturnsWhenTheUpstreamRecovers) {
  const std::string question = "How do I get my toddler to sleep?";
  // What the offline answerer says: the upstream is scripted to give the
  // same answer, so a continuation that repeated or lost a word would show.
  up.refuse_connections(true);
  const auto refused = ask(question);
  EXPECT_EQ(refused->answered_by, "local");
  EXPECT_EQ(refused->fallbacks, 1);
  const std::string answer = refused->text;
  ASSERT_GT(std::count(answer.begin(), answer.end(), ' '), 8) << answer;
  up.refuse_connections(false);
  up.script().reply = answer;

  up.inject({"chat", FaultKind::hang});
  const auto hung = ask(question);
  EXPECT_EQ(hung->answered_by, "local") << "the first-byte watchdog moved the call on";
  EXPECT_NE(hung->failures.find("cloud"), std::string::npos) << hung->failures;
  EXPECT_EQ(hung->text, answer);

  up.inject({"chat", FaultKind::stall, 1, 0, 6});  // five words, then silence
  const auto stalled = ask(question);
  EXPECT_EQ(stalled->answered_by, "local") << "the idle watchdog moved the call on";
  EXPECT_EQ(stalled->text, answer) << "the continuation repeats no word and loses none";

  up.inject({"chat", FaultKind::malformed, 1, 0, 4});
  const auto broken = ask(question);
  EXPECT_EQ(broken->answered_by, "local");
  EXPECT_EQ(broken->text, answer);

  const auto recovered = ask(question);
  EXPECT_EQ(recovered->answered_by, "cloud") << "each call starts at the top: the primary is back\n"
                                             << recovered->failures;
  EXPECT_EQ(recovered->fallbacks, 0);
  EXPECT_EQ(recovered->text, answer);
  EXPECT_EQ(up.open_connections(), 1) << "one kept-alive connection; the broken ones were released";
}

TEST(ProviderSecrets, NoApiKeyInLogsErrorsOrTheConfigView) {
  // The upstream expects another key and echoes the one it was given in its
  // 401 body, as a careless service would: the key must still never show.
  upstream::Upstream up;
  up.start();
  const std::string key = "sk-secret-" + std::to_string(::getpid()) + "-a1b2c3d4e5";
  const auto dir = std::filesystem::temp_directory_path() / ("sb-secrets-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto config = dir / "cloud.yaml";
  std::ofstream(config) << "llm:\n"
                           "  - name: cloud\n"
                           "    plugin: llm-openai\n"
                           "    config: {base_url: \""
                        << up.url()
                        << "/v1\", api_key: \"${env:SB_TEST_OPENAI_KEY}\", model: gpt-4o-mini}\n"
                           "  - name: backup\n"
                           "    plugin: llm-scripted\n"
                           "    config: {reply: \"Backup answer.\"}\n"
                           "tts:\n"
                           "  - name: voice\n"
                           "    plugin: tts-elevenlabs\n"
                           "    config: {base_url: \""
                        << up.url() << "\", api_key: \"${env:SB_TEST_OPENAI_KEY}\", voice: v1}\n";
  const std::map<std::string, std::string> env = {{"SB_TEST_OPENAI_KEY", key}};
  const auto asked = run(SWITCHBOARD_BINARY,
                         {"ask", "--log-level", "trace", "--config", config.string(), "--repeat", "2", "hello"}, env);
  EXPECT_EQ(asked.code, 0) << asked.err;
  EXPECT_NE(asked.err.find("Incorrect API key provided: ***"), std::string::npos)
      << "the provider's refusal is logged, scrubbed: " << asked.err;
  const auto shown = run(SWITCHBOARD_BINARY, {"check", "--print", "--config", config.string()}, env);
  EXPECT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(up.requests("chat"), 2);
  for (const auto &text : {asked.out, asked.err, shown.out, shown.err}) {
    EXPECT_EQ(text.find(key), std::string::npos) << text;
    EXPECT_EQ(text.find(key.substr(0, 20)), std::string::npos) << "not even most of it: " << text;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace switchboard::test
