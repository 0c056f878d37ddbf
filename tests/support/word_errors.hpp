// Word error rate against ../shared/testdata/speech/transcripts.tsv.
#pragma once

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/testdata.hpp"

namespace switchboard::test {

inline std::vector<std::string> words_of(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    std::string clean;
    for (const char c : w) {
      if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '\'') {
        clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (!clean.empty()) out.push_back(clean);
  }
  return out;
}

// Word-level edit distance: substitutions, insertions and deletions.
inline std::size_t word_errors(const std::vector<std::string> &ref, const std::vector<std::string> &hyp) {
  std::vector<std::size_t> row(hyp.size() + 1);
  for (std::size_t j = 0; j <= hyp.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= ref.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= hyp.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] == hyp[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[hyp.size()];
}

// (file stem, reference transcript) for every line of transcripts.tsv.
inline std::vector<std::pair<std::string, std::string>> reference_transcripts() {
  std::ifstream tsv(speech_path("transcripts.tsv"));
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string line; std::getline(tsv, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) out.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  return out;
}

}  // namespace switchboard::test
