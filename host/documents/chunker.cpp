#include "documents/chunker.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace switchboard::documents {
namespace {

bool ends_sentence(std::string_view word) {
  while (!word.empty() && (word.back() == '"' || word.back() == ')' || word.back() == '\'')) word.remove_suffix(1);
  return !word.empty() && (word.back() == '.' || word.back() == '!' || word.back() == '?');
}

constexpr std::array<std::string_view, 48> kCommon = {
    "a",    "an",   "and",   "are",   "as",   "at",  "be",    "by",    "can",  "do",   "does",  "for",
    "from", "has",  "have",  "how",   "i",    "in",  "is",    "it",    "its",  "me",   "my",    "of",
    "on",   "or",   "so",    "tell",  "that", "the", "their", "there", "this", "to",   "was",   "we",
    "what", "when", "where", "which", "who",  "why", "will",  "with",  "you",  "your", "about", "please"};

}  // namespace

std::vector<std::string> chunk_text(const std::string &text, int words) {
  std::vector<std::string> out;
  std::string chunk;
  int in_chunk = 0;
  auto close = [&] {
    if (in_chunk > 0) out.push_back(std::move(chunk));
    chunk.clear();
    in_chunk = 0;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    const std::size_t start = i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) == 0) ++i;
    if (i == start) break;
    const std::string word = text.substr(start, i - start);
    if (!chunk.empty()) chunk += ' ';
    chunk += word;
    ++in_chunk;
    // A chunk ends at a sentence's end once it is long enough, or at the limit.
    if ((in_chunk >= words / 2 && ends_sentence(word)) || in_chunk >= words) close();
  }
  close();
  return out;
}

std::string match_query(const std::string &question) {
  std::vector<std::string> terms;
  std::string word;
  auto take = [&] {
    if (!word.empty() && std::find(kCommon.begin(), kCommon.end(), word) == kCommon.end() &&
        std::find(terms.begin(), terms.end(), word) == terms.end()) {
      terms.push_back(word);
    }
    word.clear();
  };
  for (const char c : question) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || u >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else {
      take();
    }
  }
  take();
  std::string query;
  for (const auto &t : terms) {
    if (!query.empty()) query += " OR ";
    query += '"' + t + '"';
  }
  return query;
}

}  // namespace switchboard::documents
