// llm-scripted as users configure it, through the plugin boundary.
#include <gtest/gtest.h>

#include "plugin/llm_client.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::plugin {
namespace {

using std::chrono::milliseconds;

class Collect : public LlmHandler {
 public:
  void on_token(std::string_view t) override {
    text += t;
    tokens.emplace_back(t);
  }
  void on_usage(std::uint32_t p, std::uint32_t c) override { usage = {p, c}; }
  void on_done(const Outcome &o) override {
    outcome = o;
    ++dones;
  }
  std::string text;
  std::vector<std::string> tokens;
  std::pair<std::uint32_t, std::uint32_t> usage{};
  Outcome outcome;
  int dones = 0;
};

struct Scripted : test::ManualHost {
  explicit Scripted(const nlohmann::json &config) {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    llm = Instance::create(registry.find("llm-scripted"), "s", config, context(), error);
    if (!llm) throw std::runtime_error(error);
  }
  ~Scripted() override {
    llm.reset();
    run();
  }
  struct Result {
    std::string text;
    Outcome outcome;
  };
  Result ask(std::vector<ChatMessage> messages, milliseconds wait = milliseconds(1000)) {
    Collect c;
    CancelSource cancel;
    LlmRequest r;
    r.messages = std::move(messages);
    EXPECT_TRUE(chat(*llm, r, c, cancel).ok());
    advance(wait);
    EXPECT_EQ(c.dones, 1);
    return {c.text, c.outcome};
  }
  Registry registry;
  std::shared_ptr<Instance> llm;
};

TEST(LlmScripted, PicksTheReplyWhoseMatchIsInTheLastUserMessage) {
  Scripted s(nlohmann::json{
      {"reply", "Default answer."},
      {"replies",
       {{{"match", "weather"}, {"reply", "Sunny all day."}}, {{"match", "sleep"}, {"reply", "Try a routine."}}}}});
  EXPECT_EQ(s.ask({{"user", "How is the WEATHER?"}}).text, "Sunny all day.");
  EXPECT_EQ(s.ask({{"user", "My toddler won't sleep"}}).text, "Try a routine.");
  EXPECT_EQ(s.ask({{"user", "Tell me a joke"}}).text, "Default answer.");
}

TEST(LlmScripted, StreamsWordByWordAtTheConfiguredPaceAndReportsUsage) {
  Scripted s(nlohmann::json{{"reply", "one two three"}, {"first_token_ms", 100}, {"token_ms", 50}});
  Collect c;
  CancelSource cancel;
  LlmRequest r;
  r.messages = {{"system", "be kind"}, {"user", "count"}};
  ASSERT_TRUE(chat(*s.llm, r, c, cancel).ok());
  s.advance(milliseconds(99));
  EXPECT_TRUE(c.tokens.empty());
  s.advance(milliseconds(1));
  EXPECT_EQ(c.tokens, std::vector<std::string>{"one"});
  s.advance(milliseconds(50));
  EXPECT_EQ(c.tokens, (std::vector<std::string>{"one", " two"}));
  s.advance(milliseconds(200));
  EXPECT_EQ(c.text, "one two three");
  EXPECT_TRUE(c.outcome.ok());
  EXPECT_EQ(c.usage.first, 3u) << "words in the prompt";
  EXPECT_EQ(c.usage.second, 3u);
}

TEST(LlmScripted, ContinuesAPartialAnswerByResumingOrRestarting) {
  Scripted resume(nlohmann::json{{"reply", "alpha beta gamma delta"}});
  EXPECT_EQ(resume.ask({{"user", "go"}, {"assistant", "alpha beta"}}).text, " gamma delta");
  Scripted restart(nlohmann::json{{"reply", "alpha beta gamma delta"}, {"on_continue", "restart"}});
  EXPECT_EQ(restart.ask({{"user", "go"}, {"assistant", "alpha beta"}}).text, "alpha beta gamma delta");
}

TEST(LlmScripted, FailsAndStallsOnCue) {
  Scripted fails(nlohmann::json{
      {"reply", "a b c d"}, {"fail_after_tokens", 2}, {"fail_status", "fatal"}, {"fail_message", "quota"}});
  const auto failed = fails.ask({{"user", "x"}});
  EXPECT_EQ(failed.text, "a b");
  EXPECT_EQ(failed.outcome.status, Status::fatal);
  EXPECT_EQ(failed.outcome.message, "quota");

  Scripted flaky(nlohmann::json{{"reply", "ok"}, {"fail_first_calls", 1}});
  EXPECT_EQ(flaky.ask({{"user", "x"}}).outcome.status, Status::retryable);
  EXPECT_TRUE(flaky.ask({{"user", "x"}}).outcome.ok()) << "only the first call fails";

  Scripted stalls(nlohmann::json{{"reply", "a b c d"}, {"stall_after_tokens", 1}});
  Collect c;
  CancelSource cancel;
  LlmRequest r;
  r.messages = {{"user", "x"}};
  ASSERT_TRUE(chat(*stalls.llm, r, c, cancel).ok());
  stalls.advance(milliseconds(5000));
  EXPECT_EQ(c.text, "a");
  EXPECT_EQ(c.dones, 0) << "a stalled stream stays open";
  cancel.cancel();
  stalls.run();
  EXPECT_EQ(c.dones, 1);
  EXPECT_EQ(c.outcome.status, Status::cancelled);
}

TEST(LlmScripted, RejectsABadConfigAtItsKeys) {
  Registry registry;
  registry.scan({test::shipped_plugin_dir()});
  const auto validate = registry.find("llm-scripted")->descriptor().validate_config;
  std::vector<std::string> pointers;
  sb_config_report report{[](void *user, const char *pointer, const char *) {
                            static_cast<std::vector<std::string> *>(user)->push_back(pointer);
                          },
                          &pointers};
  EXPECT_EQ(validate(R"({"token_ms": -1, "on_continue": "maybe", "replies": [{"match": 1}], "colour": "red"})", report),
            SB_INVALID_INPUT);
  std::sort(pointers.begin(), pointers.end());
  EXPECT_EQ(pointers, (std::vector<std::string>{"/colour", "/on_continue", "/replies/0", "/token_ms"}));
  pointers.clear();
  EXPECT_EQ(validate(R"({"reply": "hi", "token_ms": 5})", report), SB_OK);
  EXPECT_TRUE(pointers.empty());
}

}  // namespace
}  // namespace switchboard::plugin
