#include "conversation/sentence_segmenter.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace switchboard::conversation {
namespace {

constexpr std::array<std::string_view, 18> kAbbreviations = {"mr", "mrs",    "ms",  "dr",  "st",  "prof",
                                                             "sr", "jr",     "vs",  "etc", "e.g", "i.e",
                                                             "no", "approx", "fig", "inc", "ltd", "mt"};

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_closing(char c) {
  return c == '"' || c == '\'' || c == ')' || c == ']';
}

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

bool SentenceSegmenter::is_abbreviation(std::size_t dot) const {
  std::size_t start = dot;
  while (start > 0 && !is_space(buffer_[start - 1])) --start;
  std::string word;
  for (std::size_t i = start; i < dot; ++i)
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(buffer_[i])));
  if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]))) return true;  // an initial: "J. Smith"
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
}

std::size_t SentenceSegmenter::find_end() const {
  for (std::size_t i = 0; i < buffer_.size(); ++i) {
    const char c = buffer_[i];
    std::size_t end = std::string::npos;
    if (c == '\n') {
      end = i + 1;
    } else if (c == '.' || c == '!' || c == '?') {
      std::size_t j = i + 1;
      while (j < buffer_.size() &&
             (is_closing(buffer_[j]) || buffer_[j] == '.' || buffer_[j] == '!' || buffer_[j] == '?')) {
        ++j;
      }
      // The end is known only once what follows is seen to be a space.
      if (j < buffer_.size() && is_space(buffer_[j]) && !(c == '.' && is_abbreviation(i))) end = j;
    }
    if (end != std::string::npos && trimmed(std::string_view(buffer_).substr(0, end)).size() >= settings_.min_chars) {
      return end;
    }
    if (i + 1 >= settings_.max_chars && is_space(c)) {
      // Too long without an end: cut at the last comma, else here.
      const auto comma = buffer_.rfind(", ", i);
      return comma != std::string::npos && comma > settings_.min_chars ? comma + 1 : i;
    }
  }
  return std::string::npos;
}

std::vector<std::string> SentenceSegmenter::push(std::string_view text) {
  buffer_.append(text);
  std::vector<std::string> out;
  for (std::size_t end = find_end(); end != std::string::npos; end = find_end()) {
    std::string sentence = speakable(std::string_view(buffer_).substr(0, end));
    buffer_.erase(0, end);
    if (!sentence.empty()) out.push_back(std::move(sentence));
  }
  return out;
}

std::vector<std::string> SentenceSegmenter::flush() {
  std::string rest = speakable(buffer_);
  buffer_.clear();
  if (rest.empty()) return {};
  return {std::move(rest)};
}

std::string speakable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool edge_underscore =
        c == '_' && (i == 0 || i + 1 == text.size() || is_space(text[i - 1]) || is_space(text[i + 1]));
    if (c == '*' || c == '`' || edge_underscore) continue;
    if (line_start && (c == '#' || ((c == '-' || c == '>') && i + 1 < text.size() && text[i + 1] == ' '))) continue;
    if (is_space(c)) {
      line_start = line_start || c == '\n';
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    line_start = false;
    out += c;
  }
  return trimmed(out);
}

}  // namespace switchboard::conversation
