// llm-kb answers the shared test utterances from the shipped knowledge file.
#include <fstream>

#include <gtest/gtest.h>

#include "plugin/llm_client.hpp"
#include "support/chain_harness.hpp"

namespace switchboard::plugin {
namespace {

class Collect : public LlmHandler {
 public:
  void on_token(std::string_view t) override {
    text += t;
    ++tokens;
  }
  void on_done(const Outcome &o) override {
    outcome = o;
    ++dones;
  }
  std::string text;
  int tokens = 0;
  Outcome outcome;
  int dones = 0;
};

struct Kb : test::ManualHost {
  explicit Kb(nlohmann::json config, std::string config_dir = SWITCHBOARD_SOURCE_DIR "/config") {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    auto ctx = context();
    ctx.config_dir = std::move(config_dir);
    llm = Instance::create(registry.find("llm-kb"), "kb", config, ctx, error);
    this->error = error;
  }
  ~Kb() override {
    llm.reset();
    run();
  }
  std::string ask(const std::vector<ChatMessage> &messages) {
    Collect c;
    CancelSource cancel;
    LlmRequest r;
    r.messages = messages;
    EXPECT_TRUE(chat(*llm, r, c, cancel).ok());
    advance(std::chrono::milliseconds(2000));
    EXPECT_EQ(c.dones, 1);
    EXPECT_TRUE(c.outcome.ok()) << c.outcome.message;
    return c.text;
  }
  Registry registry;
  std::shared_ptr<Instance> llm;
  std::string error;
};

TEST(LlmKb, AnswersEachTestUtteranceFromTheKnowledgeFile) {
  Kb kb(nlohmann::json{{"knowledge", "knowledge/parenting.yaml"}});
  ASSERT_NE(kb.llm, nullptr) << kb.error;
  // The transcripts of ../shared/testdata/speech, and a word each answer must hold.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"hello how are you today", "parenting assistant"},
      {"my baby will not stop crying what should i do", "rocking"},
      {"how can i help my toddler sleep better", "bedtime"},
      {"what is the weather like tomorrow", "weather"},
      {"turn on the kitchen lights", "lights"},
      {"set a timer for ten minutes", "timers"},
      {"how often should a newborn eat", "every two to three hours"},
      {"tell me a short story about a dragon", "Ember"},
      {"thank you that was very helpful", "welcome"},
      {"stop talking please", "stop"},
  };
  for (const auto &[question, needle] : expected) {
    const std::string answer = kb.ask({{"user", question}});
    EXPECT_NE(answer.find(needle), std::string::npos) << question << " -> " << answer;
  }
}

TEST(LlmKb, SaysTheFallbackLineWhenNothingMatches) {
  Kb kb(nlohmann::json{{"knowledge", "knowledge/parenting.yaml"}, {"fallback", "I only know about babies."}});
  EXPECT_EQ(kb.ask({{"user", "quantum chromodynamics lattice"}}), "I only know about babies.");
}

TEST(LlmKb, StreamsWordByWordAndResumesItsOwnAnswer) {
  Kb kb(nlohmann::json{{"knowledge", "knowledge/parenting.yaml"}, {"word_ms", 10}});
  Collect c;
  CancelSource cancel;
  LlmRequest r;
  r.messages = {{"user", "set a timer for ten minutes"}};
  ASSERT_TRUE(chat(*kb.llm, r, c, cancel).ok());
  kb.advance(std::chrono::milliseconds(25));
  EXPECT_EQ(c.text, "I can't set") << "one word per 10 ms";
  kb.advance(std::chrono::milliseconds(500));
  EXPECT_GT(c.tokens, 5);
  const std::string whole = c.text;
  EXPECT_EQ(kb.ask({{"user", "set a timer for ten minutes"}, {"assistant", "I can't set timers"}}),
            whole.substr(std::string("I can't set timers").size()))
      << "a continuation of its own answer resumes after the words said";
  EXPECT_EQ(kb.ask({{"user", "set a timer for ten minutes"}, {"assistant", "Sure, setting"}}), whole)
      << "someone else's words: the whole answer";
}

TEST(LlmKb, AMissingKnowledgeFileFailsTheFactoryClearly) {
  Kb kb(nlohmann::json{{"knowledge", "knowledge/nothing-here.yaml"}});
  EXPECT_EQ(kb.llm, nullptr);
  EXPECT_NE(kb.error.find("nothing-here.yaml' cannot be read"), std::string::npos) << kb.error;
}

}  // namespace
}  // namespace switchboard::plugin
