#include "conversation/sentence_segmenter.hpp"

#include <gtest/gtest.h>

namespace switchboard::conversation {
namespace {

using Sentences = std::vector<std::string>;

// Feeds text in pieces of `step` characters, as an llm streams it.
Sentences segment(const std::string &text, std::size_t step, SentenceSegmenter::Settings settings = {}) {
  SentenceSegmenter s(settings);
  Sentences out;
  for (std::size_t at = 0; at < text.size(); at += step) {
    for (auto &sentence : s.push(text.substr(at, step))) out.push_back(sentence);
  }
  for (auto &sentence : s.flush()) out.push_back(sentence);
  return out;
}

TEST(SentenceSegmenter, SplitsAtSentenceEndsHoweverTheTextArrives) {
  const std::string text = "Put the baby down drowsy. Keep the room dark! Is it too warm? Try again.";
  const Sentences expected = {"Put the baby down drowsy.", "Keep the room dark!", "Is it too warm?", "Try again."};
  for (std::size_t step : {1u, 3u, 7u, 1000u}) EXPECT_EQ(segment(text, step), expected) << "step " << step;
}

TEST(SentenceSegmenter, ASentenceLeavesAsSoonAsItsEndIsSeen) {
  SentenceSegmenter s;
  EXPECT_TRUE(s.push("Keep the room dark.").empty()) << "the end is known only when a space follows";
  EXPECT_EQ(s.push(" Then"), Sentences{"Keep the room dark."});
}

TEST(SentenceSegmenter, AbbreviationsInitialsAndNumbersDoNotEndASentence) {
  EXPECT_EQ(segment("Ask Dr. Smith about it, e.g. at the visit. Give 2.5 ml to J. Doe. Done now.", 4),
            (Sentences{"Ask Dr. Smith about it, e.g. at the visit.", "Give 2.5 ml to J. Doe.", "Done now."}));
}

TEST(SentenceSegmenter, ShortFragmentsJoinTheNextSentence) {
  EXPECT_EQ(segment("Ok. No. That is right.", 2), (Sentences{"Ok. No. That is right."}));
}

TEST(SentenceSegmenter, LineBreaksEndSentencesAndMarkdownIsNotSpoken) {
  EXPECT_EQ(segment("## Tips for sleep\n- **Dim** the lights\n- Use `white noise`\n", 5),
            (Sentences{"Tips for sleep", "Dim the lights", "Use white noise"}));
}

TEST(SentenceSegmenter, LongRunsAreCutSoSpeechNeverWaitsLong) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "and then another clause, ";
  const auto out = segment(text, 10, {8, 100});
  ASSERT_GT(out.size(), 3u);
  for (const auto &s : out) EXPECT_LE(s.size(), 100u) << s;
}

TEST(Speakable, CollapsesSpaceAndKeepsInnerUnderscoresAndHyphens) {
  EXPECT_EQ(speakable("  a   well-known\tsnake_case  _word_ "), "a well-known snake_case word");
}

}  // namespace
}  // namespace switchboard::conversation
