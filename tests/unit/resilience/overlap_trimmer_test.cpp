#include "resilience/overlap_trimmer.hpp"

#include <gtest/gtest.h>

namespace switchboard::resilience {
namespace {

// Feeds the continuation token by token and returns what passes.
std::string run(const std::string &sent, const std::vector<std::string> &tokens) {
  OverlapTrimmer t(sent);
  std::string out;
  for (const auto &tok : tokens) out += t.feed(tok);
  return out + t.flush();
}

TEST(OverlapTrimmer, AResumedStreamPassesWhole) {
  EXPECT_EQ(run("The quick brown", {" fox", " jumps", " over."}), " fox jumps over.");
}

TEST(OverlapTrimmer, ARestartedStreamLosesWhatWasSent) {
  EXPECT_EQ(run("The quick brown", {"The", " quick", " brown", " fox", " jumps."}), " fox jumps.");
}

TEST(OverlapTrimmer, APartialRepeatIsDropped) {
  EXPECT_EQ(run("It will rain in Paris", {"in", " Paris", " tomorrow", " morning."}), " tomorrow morning.");
}

TEST(OverlapTrimmer, CaseAndPunctuationDoNotHideARepeat) {
  EXPECT_EQ(run("Hello, world", {"hello", " World!", " How", " are", " you?"}), " How are you?");
}

TEST(OverlapTrimmer, HoldsBackWhileTheRepeatIsUndecided) {
  OverlapTrimmer t("one two three four");
  EXPECT_EQ(t.feed("one"), "");
  EXPECT_EQ(t.feed(" two"), "");
  EXPECT_EQ(t.feed(" three"), "");
  EXPECT_FALSE(t.decided());
  EXPECT_EQ(t.feed(" four five "), " five ");
  EXPECT_TRUE(t.decided());
  EXPECT_EQ(t.feed("six"), "six");
}

TEST(OverlapTrimmer, ANewSentenceThatOnlyLooksLikeTheStartIsKept) {
  EXPECT_EQ(run("one two three", {"one", " more", " thing"}), " one more thing");
}

TEST(OverlapTrimmer, FlushDecidesAShortEnding) {
  EXPECT_EQ(run("say the word", {"word"}), "");
  EXPECT_EQ(run("say the word", {"the", " word", " again"}), " again");
}

TEST(OverlapTrimmer, NothingSentMeansNothingTrimmed) {
  EXPECT_EQ(run("", {"Hello", " there"}), "Hello there");
}

}  // namespace
}  // namespace switchboard::resilience
