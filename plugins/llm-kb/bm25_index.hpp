// Okapi BM25 over a small set of documents (a knowledge file's entries):
// which entry best answers a question, and how well.
#pragma once

#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace switchboard::kb {

// Lower-case words of letters and digits, without the most common English
// function words.
inline std::vector<std::string> terms(std::string_view text) {
  static const std::unordered_set<std::string> stop = {
      "a",    "an",     "the",  "is",  "are", "was", "be",   "to",  "of",   "and", "or",  "in",   "on",
      "it",   "i",      "my",   "me",  "you", "do",  "does", "can", "what", "how", "for", "with", "that",
      "this", "should", "will", "not", "at",  "by",  "so",   "as",  "your", "we",  "our", "am",   "please"};
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && !stop.count(word)) out.push_back(word);
    word.clear();
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      word += static_cast<char>(std::tolower(u));
    } else if (c != '\'') {
      flush();
    }
  }
  flush();
  return out;
}

class Bm25Index {
 public:
  explicit Bm25Index(const std::vector<std::string> &documents, double k1 = 1.5, double b = 0.75) : k1_(k1), b_(b) {
    double total = 0;
    for (const auto &doc : documents) {
      std::unordered_map<std::string, int> counts;
      const auto words = terms(doc);
      for (const auto &w : words) ++counts[w];
      for (const auto &[w, n] : counts) ++document_frequency_[w];
      lengths_.push_back(static_cast<double>(words.size()));
      total += static_cast<double>(words.size());
      frequencies_.push_back(std::move(counts));
    }
    average_length_ = documents.empty() ? 0 : total / static_cast<double>(documents.size());
  }

  struct Match {
    int document = -1;
    double score = 0;
  };

  Match best(std::string_view query) const {
    Match m;
    const auto words = terms(query);
    const double n = static_cast<double>(frequencies_.size());
    for (std::size_t d = 0; d < frequencies_.size(); ++d) {
      double score = 0;
      for (const auto &w : words) {
        const auto tf_it = frequencies_[d].find(w);
        if (tf_it == frequencies_[d].end()) continue;
        const double df = document_frequency_.at(w);
        const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
        const double tf = tf_it->second;
        score += idf * tf * (k1_ + 1) / (tf + k1_ * (1 - b_ + b_ * lengths_[d] / average_length_));
      }
      if (score > m.score) m = {static_cast<int>(d), score};
    }
    return m;
  }

 private:
  double k1_;
  double b_;
  std::vector<std::unordered_map<std::string, int>> frequencies_;
  std::unordered_map<std::string, int> document_frequency_;
  std::vector<double> lengths_;
  double average_length_ = 0;
};

}  // namespace switchboard::kb
