// The overlap trimmer (what a fallback LLM repeats of what the user already
// heard): what it lets through is an end of the continuation, after at most
// one space it adds to separate that from what was sent.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input.hpp"
#include "resilience/overlap_trimmer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  switchboard::fuzz::FuzzInput input(data, size);
  const std::uint8_t seed = input.byte();
  const std::string_view sent = input.until('\0');
  const std::string_view continuation = input.rest();
  switchboard::resilience::OverlapTrimmer trimmer(sent);
  std::string out;
  for (const auto piece : switchboard::fuzz::pieces(continuation, seed)) out += trimmer.feed(piece);
  out += trimmer.flush();
  const auto is_suffix = [&](std::string_view kept) {
    return kept.size() <= continuation.size() && continuation.substr(continuation.size() - kept.size()) == kept;
  };
  const std::string_view all(out);
  if (!is_suffix(all) && !(all.starts_with(' ') && is_suffix(all.substr(1)))) std::abort();
  return 0;
}
