#include "resilience/overlap_trimmer.hpp"

#include <cctype>

namespace switchboard::resilience {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string normalise(std::string_view word) {
  std::string out;
  for (char c : word) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

}  // namespace

OverlapTrimmer::OverlapTrimmer(std::string_view sent)
    : sent_ends_with_space_(!sent.empty() && is_space(sent.back())), sent_empty_(sent.empty()) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < sent.size()) {
    while (i < sent.size() && is_space(sent[i])) ++i;
    const std::size_t start = i;
    while (i < sent.size() && !is_space(sent[i])) ++i;
    if (i > start) {
      std::string n = normalise(sent.substr(start, i - start));
      if (!n.empty()) words.push_back(std::move(n));
    }
  }
  const std::size_t keep = std::min(words.size(), kMaxWords);
  sent_.assign(words.end() - static_cast<long>(keep), words.end());
}

std::vector<OverlapTrimmer::Word> OverlapTrimmer::complete_words() const {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < pending_.size()) {
    while (i < pending_.size() && is_space(pending_[i])) ++i;
    const std::size_t start = i;
    while (i < pending_.size() && !is_space(pending_[i])) ++i;
    // A word is complete once whitespace follows it.
    if (i == pending_.size()) break;
    std::string n = normalise(std::string_view(pending_).substr(start, i - start));
    if (!n.empty()) words.push_back({std::move(n), i});
  }
  return words;
}

std::string OverlapTrimmer::join_spacing(std::string text) const {
  // Keep one space between the sent text and the first word after it.
  std::size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  if (first == text.size()) return text;
  const bool needs_space =
      !sent_empty_ && !sent_ends_with_space_ && std::isalnum(static_cast<unsigned char>(text[first]));
  text.erase(0, first);
  return needs_space ? " " + text : text;
}

void OverlapTrimmer::decide(std::size_t overlap_words, const std::vector<Word> &words) {
  decided_ = true;
  if (overlap_words > 0) {
    pending_.erase(0, words[overlap_words - 1].end);
  }
}

std::string OverlapTrimmer::feed(std::string_view text) {
  if (decided_) {
    return std::string(text);
  }
  pending_ += text;
  const std::vector<Word> words = complete_words();
  const std::size_t n = words.size();
  if (n == 0) {
    return {};
  }
  // k: a candidate overlap of the last k sent words with the first k new ones.
  std::size_t best = 0;
  bool open_candidate = false;
  for (std::size_t k = 1; k <= sent_.size(); ++k) {
    const std::size_t start = sent_.size() - k;
    const std::size_t compare = std::min(k, n);
    bool match = true;
    for (std::size_t j = 0; j < compare && match; ++j) match = sent_[start + j] == words[j].norm;
    if (!match) continue;
    if (n >= k) {
      best = k;
    } else {
      open_candidate = true;  // the new words so far are a prefix of this suffix
    }
  }
  if (open_candidate) {
    return {};
  }
  decide(best, words);
  std::string out = join_spacing(std::move(pending_));
  pending_.clear();
  return out;
}

std::string OverlapTrimmer::flush() {
  if (decided_) {
    return {};
  }
  pending_ += ' ';  // the last word is complete now
  std::vector<Word> words = complete_words();
  pending_.pop_back();
  std::size_t best = 0;
  for (std::size_t k = 1; k <= std::min(sent_.size(), words.size()); ++k) {
    bool match = true;
    for (std::size_t j = 0; j < k && match; ++j) match = sent_[sent_.size() - k + j] == words[j].norm;
    if (match) best = k;
  }
  if (best > 0 && best <= words.size()) {
    decided_ = true;
    pending_.erase(0, std::min(pending_.size(), words[best - 1].end));
  }
  decided_ = true;
  std::string out = join_spacing(std::move(pending_));
  pending_.clear();
  return out;
}

}  // namespace switchboard::resilience
