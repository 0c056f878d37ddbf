// The HTTP client's Server-Sent Events parser (every streaming provider's
// answer): the events of a stream do not depend on how it was cut into reads.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "switchboard/http/sse_parser.hpp"

namespace {

struct Outcome {
  std::vector<switchboard::http::SseEvent> events;
  bool accepted = true;
  bool incomplete = false;
};

template <typename Pieces>
Outcome parse(const Pieces &pieces, std::size_t max_line) {
  Outcome out;
  switchboard::http::SseParser parser([&](const switchboard::http::SseEvent &e) { out.events.push_back(e); }, max_line);
  for (const auto piece : pieces) out.accepted = parser.feed(piece) && out.accepted;
  out.incomplete = parser.incomplete();
  return out;
}

bool same(const Outcome &a, const Outcome &b) {
  if (a.accepted != b.accepted || a.events.size() != b.events.size()) return false;
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const auto &x = a.events[i];
    const auto &y = b.events[i];
    if (x.event != y.event || x.data != y.data || x.id != y.id) return false;
  }
  return !a.accepted || a.incomplete == b.incomplete;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  switchboard::fuzz::FuzzInput input(data, size);
  const std::uint8_t seed = input.byte();
  const std::size_t max_line = 16u + input.byte() * 4u;
  const std::string_view stream = input.rest();
  const std::vector<std::string_view> whole{stream};
  const auto at_once = parse(whole, max_line);
  const auto in_pieces = parse(switchboard::fuzz::pieces(stream, seed), max_line);
  if (!same(at_once, in_pieces)) std::abort();
  return 0;
}
