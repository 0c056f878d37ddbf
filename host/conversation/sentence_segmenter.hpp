// Streaming text to sentences for speech: the LLM's tokens go in as they
// come, whole sentences come out as soon as their end is seen, so the first
// sentence is being spoken while the rest is still being written. A sentence
// ends at . ! or ? followed by a space (not after a known abbreviation or an
// initial), or at a line break; a run with no end is cut at a comma or space
// past max_chars so speech never waits long. Fragments shorter than
// min_chars join the next sentence.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchboard::conversation {

class SentenceSegmenter {
 public:
  struct Settings {
    std::size_t min_chars = 8;
    std::size_t max_chars = 240;
  };

  SentenceSegmenter() : SentenceSegmenter(Settings{}) {}
  explicit SentenceSegmenter(Settings settings) : settings_(settings) {}

  // Appends text; returns the sentences it completed, in order.
  std::vector<std::string> push(std::string_view text);
  // The text is over: what is left, if anything.
  std::vector<std::string> flush();

 private:
  // Where the sentence starting at the buffer's front ends (one past its
  // last character), or npos when its end has not been seen yet.
  std::size_t find_end() const;
  bool is_abbreviation(std::size_t dot) const;

  Settings settings_;
  std::string buffer_;
};

// Text as it should be spoken: markdown emphasis, headings, code marks and
// list bullets removed, runs of white space made one space, trimmed.
std::string speakable(std::string_view text);

}  // namespace switchboard::conversation
