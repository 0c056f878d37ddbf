// The sentence segmenter (an answer's text on its way to speech): the
// sentences of a text do not depend on how its tokens arrived, none is
// empty, and none is much longer than the longest it allows.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "conversation/sentence_segmenter.hpp"
#include "fuzz_input.hpp"

namespace {

using switchboard::conversation::SentenceSegmenter;

template <typename Pieces>
std::vector<std::string> sentences(const Pieces &pieces, SentenceSegmenter::Settings settings) {
  SentenceSegmenter segmenter(settings);
  std::vector<std::string> out;
  for (const auto piece : pieces) {
    for (auto &s : segmenter.push(piece)) out.push_back(std::move(s));
  }
  for (auto &s : segmenter.flush()) out.push_back(std::move(s));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  switchboard::fuzz::FuzzInput input(data, size);
  const std::uint8_t seed = input.byte();
  SentenceSegmenter::Settings settings;
  settings.min_chars = input.byte() % 16u;
  settings.max_chars = settings.min_chars + 8u + input.byte();
  const std::string_view text = input.rest();
  const std::vector<std::string_view> whole{text};
  const auto at_once = sentences(whole, settings);
  if (at_once != sentences(switchboard::fuzz::pieces(text, seed), settings)) std::abort();
  for (const auto &s : at_once) {
    if (s.empty()) std::abort();
  }
  return 0;
}
