// The domain model's text and ARPA: what the knowledge file's lines become.
#include "domain_model.hpp"

#include <gtest/gtest.h>

namespace pocketsphinx_domain {
namespace {

TEST(DomainModel, SentencesDropYamlKeysDashesCommentsAndPunctuation) {
  const auto s = sentences_of(
      "# a comment about babies\nentries:\n  - questions:\n      - How do I calm a crying baby\n"
      "    answer: First check the basics. Then try holding your baby close!\n");
  ASSERT_EQ(s.size(), 3U);
  EXPECT_EQ(s[0], (std::vector<std::string>{"how", "do", "i", "calm", "a", "crying", "baby"}));
  EXPECT_EQ(s[1], (std::vector<std::string>{"first", "check", "the", "basics"}));
  EXPECT_EQ(s[2], (std::vector<std::string>{"then", "try", "holding", "your", "baby", "close"}));
  EXPECT_EQ(sentences_of("it's my child's\n")[0], (std::vector<std::string>{"it's", "my", "child's"}));
}

TEST(DomainModel, ArpaHasEveryKnownWordAndItsBigramsAndOnlyThose) {
  const auto arpa = arpa_of({{"calm", "the", "baby"}, {"the", "baby", "sleeps"}, {"xyzzy"}},
                            [](const std::string &w) { return w != "xyzzy"; });
  EXPECT_NE(arpa.find("ngram 1=6\n"), std::string::npos) << arpa;  // calm the baby sleeps <s> </s>
  EXPECT_NE(arpa.find("ngram 2=7\n"), std::string::npos) << arpa;  // the baby counted once
  EXPECT_NE(arpa.find(" the baby\n"), std::string::npos);
  EXPECT_NE(arpa.find("-99 <s> "), std::string::npos);
  EXPECT_EQ(arpa.find("xyzzy"), std::string::npos);
  EXPECT_EQ(arpa.rfind("\\end\\\n"), arpa.size() - 6);
  EXPECT_EQ(arpa_of({{"xyzzy"}}, [](const std::string &) { return false; }), "");
}

}  // namespace
}  // namespace pocketsphinx_domain
