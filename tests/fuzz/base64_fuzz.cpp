// The SDK's base64 (every transport's audio in JSON): any text decodes or is
// refused, never more; whatever is encoded decodes back to itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "switchboard/sdk/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char *>(data), size);
  if (const auto decoded = switchboard::sdk::base64_decode(input)) {
    if (decoded->size() > input.size()) std::abort();
    const auto again = switchboard::sdk::base64_decode(switchboard::sdk::base64_encode(*decoded));
    if (!again || *again != *decoded) std::abort();
  }
  const auto round = switchboard::sdk::base64_decode(switchboard::sdk::base64_encode(input));
  if (!round || *round != input) std::abort();
  return 0;
}
