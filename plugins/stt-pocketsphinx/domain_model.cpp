#include "domain_model.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace pocketsphinx_domain {

namespace {

constexpr double kDiscount = 0.5;

std::string format(double log10p) {
  char out[32];
  std::snprintf(out, sizeof out, "%.4f", log10p);
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> sentences_of(std::string_view text) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> sentence;
  std::string word;
  bool comment = false;
  const auto end_word = [&] {
    if (!word.empty() && word.back() != ':') sentence.push_back(word);
    word.clear();
  };
  const auto end_sentence = [&] {
    end_word();
    if (!sentence.empty()) out.push_back(std::move(sentence));
    sentence.clear();
  };
  for (const char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (raw == '\n') {
      comment = false;
      end_sentence();
    } else if (comment) {
      continue;
    } else if (raw == '#') {
      comment = true;
    } else if (std::isalpha(c) || (raw == '\'' && !word.empty())) {
      word.push_back(static_cast<char>(std::tolower(c)));
    } else if (raw == ':' && !word.empty()) {
      word.clear();  // a YAML key
    } else if (raw == '.' || raw == '!' || raw == '?') {
      end_sentence();
    } else {
      end_word();
    }
  }
  end_sentence();
  return out;
}

std::string arpa_of(const std::vector<std::vector<std::string>> &sentences,
                    const std::function<bool(const std::string &)> &known) {
  std::map<std::string, double> unigrams;
  std::map<std::string, std::map<std::string, double>> bigrams;
  double tokens = 0;
  for (const auto &s : sentences) {
    std::vector<std::string> words = {"<s>"};
    for (const auto &w : s) {
      if (known(w)) words.push_back(w);
    }
    if (words.size() == 1) continue;
    words.push_back("</s>");
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (i > 0) {
        unigrams[words[i]] += 1;
        tokens += 1;
        bigrams[words[i - 1]][words[i]] += 1;
      }
    }
  }
  if (unigrams.empty()) return {};
  unigrams.try_emplace("<s>", 0);
  const double vocabulary = static_cast<double>(unigrams.size());
  // Add-one unigrams; <s> is never predicted.
  std::map<std::string, double> p1;
  for (const auto &[w, c] : unigrams) p1[w] = w == "<s>" ? 0 : (c + 1) / (tokens + vocabulary);
  std::size_t bigram_count = 0;
  for (const auto &[h, next] : bigrams) bigram_count += next.size();
  std::string out = "\\data\\\nngram 1=" + std::to_string(unigrams.size()) +
                    "\nngram 2=" + std::to_string(bigram_count) + "\n\n\\1-grams:\n";
  for (const auto &[w, c] : unigrams) {
    double backoff = 0;
    if (const auto it = bigrams.find(w); it != bigrams.end()) {
      double total = 0, seen_mass = 0;
      for (const auto &[n, k] : it->second) {
        total += k;
        seen_mass += p1[n];
      }
      const double left = kDiscount * static_cast<double>(it->second.size()) / total;
      backoff = std::log10(left / std::max(1e-9, 1 - seen_mass));
    }
    out += (w == "<s>" ? std::string("-99") : format(std::log10(p1[w]))) + " " + w + " " + format(backoff) + "\n";
  }
  out += "\n\\2-grams:\n";
  for (const auto &[h, next] : bigrams) {
    double total = 0;
    for (const auto &[n, k] : next) total += k;
    for (const auto &[n, k] : next) out += format(std::log10((k - kDiscount) / total)) + " " + h + " " + n + "\n";
  }
  out += "\n\\end\\\n";
  return out;
}

}  // namespace pocketsphinx_domain
