#include "resilience/overlap_trimmer.hpp"

#include <random>
#include <sstream>

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

// Real answers (config/knowledge/parenting.yaml), one of them over 64 words.
const std::vector<std::string> kAnswers = {
    "First check the basics: hunger, a wet diaper, being too warm or too cold. Then try holding your baby close, "
    "gentle rocking or a walk, soft shushing, or a warm bath. If the crying goes on for hours, or comes with a "
    "fever, call your doctor.",
    "Keep the same bedtime every night, with a short calm routine: bath, pajamas, a story, lights out. Keep the "
    "room dark and cool, avoid screens in the last hour, and put your toddler down sleepy but awake.",
    "Newborns usually eat every two to three hours, about eight to twelve times a day. Watch for hunger cues like "
    "rooting, sucking on hands and lip smacking; crying is a late sign. Most newborns had had enough when they "
    "turn away, slow down or fall asleep, and a baby who makes six or more wet diapers a day is usually getting "
    "enough milk. Ask your doctor if feeding seems painful, if your baby is not gaining weight, or if you are "
    "ever unsure what is normal for your child.",
};

std::vector<std::string> words(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join(const std::vector<std::string> &w, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += (i > from ? " " : "") + w[i];
  return out;
}

// Cuts `text` into pieces of 1 to 6 bytes, the way streamed tokens come.
std::vector<std::string> pieces(const std::string &text, std::mt19937 &rng) {
  std::vector<std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
    out.push_back(text.substr(at, n));
    at += n;
  }
  return out;
}

// Every cut point of every answer, with the continuation resuming after the
// cut, resuming one to three words early, or restarting from the top, each
// streamed in random pieces: the user ends up with the answer, once.
TEST(OverlapTrimmer, AnyCutOfARealAnswerEndsWithTheAnswerOnce) {
  std::mt19937 rng(12);
  int cases = 0;
  for (const auto &answer : kAnswers) {
    const auto w = words(answer);
    for (std::size_t cut = 1; cut < w.size(); ++cut) {
      const std::string sent = join(w, 0, cut);
      for (std::size_t early : {0, 1, 2, 3, 1000}) {
        const std::size_t from = early >= cut ? 0 : cut - early;
        // A continuation that begins with the word just sent cannot be told
        // from a one-word repeat: read as a repeat, documented, left out.
        if (early == 0 && w[cut] == w[cut - 1]) continue;
        const std::string continuation = (from > 0 ? " " : "") + join(w, from, w.size());
        EXPECT_EQ(sent + run(sent, pieces(continuation, rng)), answer)
            << "cut after word " << cut << ", resumed "
            << (from == 0 ? "from the top" : std::to_string(early) + " early");
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 600);
}

TEST(OverlapTrimmer, ARestartOfAnAnswerLongerThanSixtyFourWordsIsDroppedWhole) {
  const auto w = words(kAnswers[2]);
  ASSERT_GT(w.size(), 64u);
  const std::string sent = join(w, 0, 70);
  std::mt19937 rng(3);
  EXPECT_EQ(run(sent, pieces(kAnswers[2], rng)), " " + join(w, 70, w.size()));
}

TEST(OverlapTrimmer, ARestartInOtherWordsIsLinedUpByTheLastWordsSent) {
  EXPECT_EQ(run("Babies need about fourteen hours of sleep",
                {"Babies", " usually", " need", " about", " fourteen", " hours", " of", " sleep", " a", " day."}),
            " a day.");
}

TEST(OverlapTrimmer, ATokenCutMidWordIsFinishedNotRepeated) {
  // The continuation finishes the word.
  EXPECT_EQ(run("The weather is sun", {"ny", " today."}), "ny today.");
  // The continuation restarts: "sunny" repeats "sun" and finishes it.
  EXPECT_EQ(run("The weather is sun", {"The", " weather", " is", " sun", "ny", " today."}), "ny today.");
  // A resume that treats "sun" as a whole word gets its space.
  EXPECT_EQ(run("The weather is sun", {" today."}), " today.");
}

TEST(OverlapTrimmer, TextWithoutSpacesIsMatchedCharacterByCharacter) {
  EXPECT_EQ(run("今天天气很", {"今天", "天气", "很好。", "明天", "下雨。"}), "好。明天下雨。");
  EXPECT_EQ(run("今天天气很", {"好。", "明天下雨。"}), "好。明天下雨。");
  EXPECT_EQ(run("赤ちゃんは一日に", {"赤ちゃんは", "一日に十四時間眠ります。"}), "十四時間眠ります。");
}

TEST(OverlapTrimmer, NewLinesAndListMarkersSurviveTheTrim) {
  EXPECT_EQ(run("Try these:\n1. Feed", {"Try", " these:", "\n1.", " Feed", " the", " baby.", "\n2.", " Rock."}),
            " the baby.\n2. Rock.");
  EXPECT_EQ(run("Try these:", {"\n\n- Feed", " the baby."}), "\n\n- Feed the baby.");
  EXPECT_EQ(run("Try these:\n- Feed the", {"- Feed", " the", " baby."}), " baby.");
}

TEST(OverlapTrimmer, AGenuinelyDoubledWordIsKept) {
  // "had had" in what was sent and in the repeat: both are matched, not one.
  EXPECT_EQ(run("Most babies had had", {"had", " had", " enough."}), " enough.");
  EXPECT_EQ(run("Most babies had had", {" enough."}), " enough.");
  EXPECT_EQ(run("Most babies had", {"Most", " babies", " had", " had", " enough."}), " had enough.");
}

}  // namespace
}  // namespace switchboard::resilience
