#include "resilience/overlap_trimmer.hpp"

#include <algorithm>
#include <cctype>

namespace switchboard::resilience {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_ascii_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// The code point at text[i] and its length in bytes (a stray byte counts as
// one character of its own).
char32_t code_point(std::string_view text, std::size_t i, std::size_t &length) {
  const auto b = static_cast<unsigned char>(text[i]);
  std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + n > text.size()) n = 1;
  char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  length = n;
  return cp;
}

// Scripts written without spaces: every character is a word.
bool is_cjk(char32_t cp) {
  return (cp >= 0x3000 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF);
}

// CJK punctuation and full-width symbols: separators, not words.
bool is_cjk_punctuation(char32_t cp) {
  return (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
         (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

bool cjk_at(std::string_view text, std::size_t i) {
  std::size_t n = 0;
  return static_cast<unsigned char>(text[i]) >= 0x80 && is_cjk(code_point(text, i, n));
}

std::string normalise(std::string_view word) {
  std::string out;
  for (char c : word) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) out += static_cast<char>(std::tolower(u));
  }
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

// The words that take part in matching (a list marker such as "-" has none).
std::vector<const OverlapTrimmer::Word *> significant(const std::vector<OverlapTrimmer::Word> &words) {
  std::vector<const OverlapTrimmer::Word *> out;
  for (const auto &w : words) {
    if (!w.norm.empty()) out.push_back(&w);
  }
  return out;
}

}  // namespace

std::vector<OverlapTrimmer::Word> OverlapTrimmer::words_of(std::string_view text, bool complete_only) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    std::size_t length = 1;
    const char32_t cp = static_cast<unsigned char>(text[i]) >= 0x80 ? code_point(text, i, length) : text[i];
    if (static_cast<unsigned char>(text[i]) >= 0x80 && is_cjk(cp)) {
      i += length;
    } else {
      while (i < text.size() && !is_space(text[i]) && !cjk_at(text, i)) ++i;
    }
    // A word is complete once something follows it.
    if (complete_only && i == text.size()) break;
    const std::string_view raw = text.substr(start, i - start);
    words.push_back({is_cjk(cp) && is_cjk_punctuation(cp) ? std::string() : normalise(raw), start, i});
  }
  return words;
}

OverlapTrimmer::OverlapTrimmer(std::string_view sent) {
  if (!sent.empty()) {
    sent_ends_with_space_ = is_space(sent.back());
    std::size_t last = sent.size() - 1;  // where the last character starts
    while (last > 0 && (static_cast<unsigned char>(sent[last]) & 0xC0) == 0x80) --last;
    sent_ends_in_word_ =
        is_ascii_alnum(sent.back()) || (static_cast<unsigned char>(sent[last]) >= 0x80 && !cjk_at(sent, last));
  }
  const auto words = words_of(sent, false);
  for (const auto &w : words) {
    if (!w.norm.empty()) sent_.push_back(w.norm);
  }
  if (sent_.size() > kMaxWords) sent_.erase(sent_.begin(), sent_.end() - static_cast<long>(kMaxWords));
  if (sent_ends_in_word_ && !words.empty()) {
    sent_last_raw_ = std::string(sent.substr(words.back().begin, words.back().end - words.back().begin));
  }
}

bool OverlapTrimmer::matches(std::size_t sent_index, const Word &word, bool may_complete, bool &completes) const {
  completes = false;
  const std::string &sent = sent_[sent_index];
  if (word.norm == sent) return true;
  // The sent text stopped inside its last word: a longer word that starts
  // with it is that word, finished.
  if (may_complete && sent_index + 1 == sent_.size() && sent_ends_in_word_ && word.norm.size() > sent.size() &&
      word.norm.compare(0, sent.size(), sent) == 0) {
    completes = true;
    return true;
  }
  return false;
}

OverlapTrimmer::Verdict OverlapTrimmer::judge(const std::vector<Word> &all, bool at_end, Overlap &overlap) const {
  overlap = {};
  const auto words = significant(all);
  const std::size_t n = sent_.size();
  const std::size_t m = words.size();
  if (n == 0) return Verdict::decided;
  if (m == 0) return at_end ? Verdict::decided : Verdict::undecided;

  // Exact: the new words begin with the last k words sent.
  bool open = false;
  for (std::size_t k = 1; k <= n; ++k) {
    const std::size_t start = n - k;
    const std::size_t compare = std::min(k, m);
    bool match = true;
    bool completes = false;
    // Only a repeat that lines up before it, or a word written straight
    // after the sent text (no space between), may finish the sent word: "a"
    // then " about" is two words.
    for (std::size_t t = 0; t < compare && match; ++t) {
      match = matches(start + t, *words[t], k >= 2 || words[t]->begin == 0, completes);
    }
    if (!match) continue;
    if (m >= k) {
      overlap = {k, completes};  // k grows: the longest repeat wins
    } else {
      open = true;  // the new words so far are the start of this repeat
    }
  }
  if (open && !at_end) return Verdict::undecided;
  if (overlap.words > 0) return Verdict::decided;

  // A rephrased restart: it starts like the answer, and the end of what was
  // sent turns up a little later.
  if (n < kAnchorWords || words[0]->norm != sent_[0]) return Verdict::decided;
  for (std::size_t k = std::min<std::size_t>(n, 16); k >= kAnchorWords; --k) {
    for (std::size_t p = 1; p + k <= m; ++p) {
      bool match = true;
      for (std::size_t t = 0; t < k && match; ++t) match = words[p + t]->norm == sent_[n - k + t];
      if (match) {
        overlap = {p + k, false};
        return Verdict::decided;
      }
    }
  }
  return at_end || m >= n + kRephraseSlack ? Verdict::decided : Verdict::undecided;
}

std::string OverlapTrimmer::release(const std::vector<Word> &all, const Overlap &overlap, bool suspected_restart) {
  decided_ = true;
  std::string text;
  if (overlap.words > 0) {
    const Word &last = *significant(all)[overlap.words - 1];
    if (overlap.completes_word) {
      // Only the letters that finish the word the user already has.
      const std::string_view token = std::string_view(pending_).substr(last.begin, last.end - last.begin);
      const std::size_t cut = starts_with_ignoring_case(token, sent_last_raw_) ? sent_last_raw_.size() : 0;
      return std::string(token.substr(cut)) + pending_.substr(last.end);
    }
    text = pending_.substr(last.end);
  } else {
    text = pending_;
  }
  // Spacing between what was sent and what follows.
  std::size_t body = 0;
  while (body < text.size() && is_space(text[body])) ++body;
  const std::string_view lead = std::string_view(text).substr(0, body);
  if (lead.find('\n') != std::string_view::npos) return text;  // a new line or a list stays as written
  if (sent_.empty() && sent_last_raw_.empty() && !sent_ends_with_space_ && overlap.words == 0) return text;
  const std::string rest = text.substr(body);
  if (rest.empty()) return sent_ends_with_space_ ? std::string() : text;
  if (sent_ends_with_space_) return rest;
  if (!lead.empty()) return " " + rest;
  if (overlap.words > 0 || !is_ascii_alnum(rest.front())) return rest;
  // Letters straight after the sent text: a fragment that finishes its last
  // word ("sun" + "ny"), unless the stream looked like a fresh start.
  if (sent_ends_in_word_ && !suspected_restart) return rest;
  return " " + rest;
}

std::string OverlapTrimmer::feed(std::string_view text) {
  if (decided_) return std::string(text);
  pending_ += text;
  const auto words = words_of(pending_, true);
  Overlap overlap;
  if (judge(words, false, overlap) == Verdict::undecided) return {};
  const auto first = significant(words);
  std::string out = release(words, overlap, !first.empty() && !sent_.empty() && first[0]->norm == sent_[0]);
  pending_.clear();
  return out;
}

std::string OverlapTrimmer::flush() {
  if (decided_) return {};
  const auto words = words_of(pending_, false);
  Overlap overlap;
  (void)judge(words, true, overlap);
  const auto first = significant(words);
  std::string out = release(words, overlap, !first.empty() && !sent_.empty() && first[0]->norm == sent_[0]);
  pending_.clear();
  return out;
}

}  // namespace switchboard::resilience
