// When an answer continues on another provider, the new stream may repeat
// some of what the user already received (from one word up to the whole
// answer). The trimmer holds the new text back until it can tell, then drops
// the longest run of words that repeats the end of what was sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::resilience {

class OverlapTrimmer {
 public:
  // How many of the sent words the repeat can cover at most.
  static constexpr std::size_t kMaxWords = 64;

  explicit OverlapTrimmer(std::string_view sent);

  // Takes the next piece of the continuation; returns what to send now
  // (empty while undecided).
  std::string feed(std::string_view text);
  // The continuation ended: returns what is still held.
  std::string flush();
  bool decided() const noexcept { return decided_; }

 private:
  struct Word {
    std::string norm;  // lower case, letters and digits only
    std::size_t end;   // where it ends in pending_
  };

  std::vector<Word> complete_words() const;
  void decide(std::size_t overlap_words, const std::vector<Word> &words);
  std::string join_spacing(std::string text) const;

  std::vector<std::string> sent_;  // normalised, the last kMaxWords words sent
  bool sent_ends_with_space_;
  bool sent_empty_;
  std::string pending_;
  bool decided_ = false;
};

}  // namespace switchboard::resilience
