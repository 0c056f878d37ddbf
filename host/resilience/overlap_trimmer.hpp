// When an answer continues on another provider, the new stream may repeat
// some of what the user already received: a few words (a model resuming a
// little early), the whole answer (a provider that restarts it), or the
// whole answer in other words (a provider that restarts and rephrases). The
// trimmer holds the new text back until it can tell, then drops the repeat.
//
// Words are runs of non-space characters, compared without case and
// punctuation; each CJK character (Chinese, Japanese, Korean) is a word of
// its own, since those scripts put no spaces between words. Three ways to
// line the new text up with what was sent, tried in order:
// - exact: the new text starts with the end of what was sent (from its last
//   word up to all of it). The longest such repeat is dropped. When the sent
//   text ended inside a word ("sun"), a new word that completes it
//   ("sunny") repeats it, and only the rest ("ny") passes.
// - rephrased restart: the new text starts with the first word sent but
//   does not repeat it exactly; if the last three (or more) words sent turn
//   up within the next few words, everything up to them is dropped.
// - neither: the new text passes whole. A fragment with no space before it
//   ("ny" after "sun") joins the word it completes.
// One case stays ambiguous and is read as a repeat: a continuation whose
// first word is the same as the last word sent ("she had" + "had a nap").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::resilience {

class OverlapTrimmer {
 public:
  // How many of the sent words are kept for matching (the most recent).
  static constexpr std::size_t kMaxWords = 4096;
  // The fewest words of the end of the sent text that line up a rephrased restart.
  static constexpr std::size_t kAnchorWords = 3;
  // How many words past the length of the sent text a rephrased restart may take.
  static constexpr std::size_t kRephraseSlack = 8;

  explicit OverlapTrimmer(std::string_view sent);

  // Takes the next piece of the continuation; returns what to send now
  // (empty while undecided).
  std::string feed(std::string_view text);
  // The continuation ended: returns what is still held.
  std::string flush();
  bool decided() const noexcept { return decided_; }

  struct Word {
    std::string norm;   // lower case, letters and digits only; may be empty (a list marker)
    std::size_t begin;  // where it starts in the text it came from
    std::size_t end;    // where it ends
  };
  // The words of `text`; with `complete_only`, the last one counts only once
  // something follows it.
  static std::vector<Word> words_of(std::string_view text, bool complete_only);

 private:
  // What the decision found: how many new words repeat what was sent, and
  // whether the last of them only completes an unfinished sent word.
  struct Overlap {
    std::size_t words = 0;
    bool completes_word = false;
  };
  enum class Verdict { undecided, decided };

  Verdict judge(const std::vector<Word> &words, bool at_end, Overlap &overlap) const;
  bool matches(std::size_t sent_index, const Word &word, bool may_complete, bool &completes) const;
  std::string release(const std::vector<Word> &words, const Overlap &overlap, bool suspected_restart);

  std::vector<std::string> sent_;   // normalised, non-empty words
  std::string sent_last_raw_;       // the last sent word as written, when it may be unfinished
  bool sent_ends_in_word_ = false;  // the sent text ends with a letter or digit
  bool sent_ends_with_space_ = false;
  std::string pending_;
  bool decided_ = false;
};

}  // namespace switchboard::resilience
