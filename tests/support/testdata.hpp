// The recordings shared by the project (../shared/testdata/speech).
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio/decoder.hpp"

namespace switchboard::test {

inline std::string speech_path(const std::string &name) {
  return std::string(SWITCHBOARD_TESTDATA_DIR) + "/speech/" + name;
}

// The bytes of speech/<name>.
inline std::vector<std::uint8_t> speech_bytes(const std::string &name) {
  std::ifstream in(speech_path(name), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + speech_path(name));
  return {std::istreambuf_iterator<char>(in), {}};
}

// speech/<name> decoded to the pipeline format (16 kHz mono).
inline std::vector<std::int16_t> speech_samples(const std::string &name) {
  std::vector<std::int16_t> out;
  std::string error;
  if (!audio::decode(speech_bytes(name), out, error)) throw std::runtime_error(name + ": " + error);
  return out;
}

}  // namespace switchboard::test
