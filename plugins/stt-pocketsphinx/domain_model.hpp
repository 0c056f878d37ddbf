// A small language model of the assistant's own domain, made at startup
// from text (a knowledge file's questions and answers, any plain text):
// unigrams and bigrams with absolute discounting and back-off, as ARPA text
// PocketSphinx reads, to interpolate with its general model.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pocketsphinx_domain {

// The sentences of a text, as lower-case words: split at line ends and at
// . ! ?; YAML keys ("answer:"), list dashes, comments and punctuation are
// dropped.
std::vector<std::vector<std::string>> sentences_of(std::string_view text);

// The ARPA text of a bigram model of these sentences over the words
// `known` accepts (the others are left out); "" when no word is known.
std::string arpa_of(const std::vector<std::vector<std::string>> &sentences,
                    const std::function<bool(const std::string &)> &known);

}  // namespace pocketsphinx_domain
