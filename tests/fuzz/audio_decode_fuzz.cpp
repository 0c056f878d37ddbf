// The audio entry (every upload and every streamed recording): a sniffed
// container, and a decode through the WAV fast path or libav* that produces
// pipeline audio within its bound or a reason, whether the bytes arrive at
// once or in pieces.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "audio/decoder.hpp"
#include "audio/sniff.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  switchboard::fuzz::FuzzInput input(data, size);
  const std::uint8_t seed = input.byte();
  const std::string_view bytes = input.rest();
  const std::span<const std::uint8_t> all(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
  (void)switchboard::audio::to_string(switchboard::audio::sniff(all));

  // At most five seconds of pipeline audio.
  constexpr std::size_t kMaxSamples = 5 * 16000;
  std::vector<std::int16_t> out;
  std::string error;
  if (switchboard::audio::decode(all, out, error, kMaxSamples)) {
    if (out.size() > kMaxSamples) std::abort();
  } else if (error.empty()) {
    std::abort();
  }

  switchboard::audio::StreamDecoder stream(kMaxSamples);
  std::vector<std::int16_t> streamed;
  bool ok = true;
  // Pieces of 64 bytes and more: the stream decoder demuxes what it holds
  // again on every push (docs/audio.md), so single bytes would only be slow.
  for (const auto piece : switchboard::fuzz::pieces(bytes, seed, 64)) {
    std::string why;
    const std::span<const std::uint8_t> p(reinterpret_cast<const std::uint8_t *>(piece.data()), piece.size());
    if (!stream.push(p, streamed, why)) {
      ok = false;
      if (why.empty()) std::abort();
      break;
    }
  }
  std::string why;
  if (ok && !stream.finish(streamed, why) && why.empty()) std::abort();
  return 0;
}
