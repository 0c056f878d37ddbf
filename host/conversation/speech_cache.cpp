#include "conversation/speech_cache.hpp"

#include <cctype>
#include <cstring>

namespace switchboard::conversation {
namespace {

constexpr char kSeparator = '\x1f';
constexpr std::string_view kSpeechMagic = "sbpcm1";

}  // namespace

std::string speech_key(std::string_view provider, std::string_view voice, std::string_view text) {
  std::string key = "tts";
  key.append(1, kSeparator).append(provider).append(1, kSeparator).append(voice).append(1, kSeparator).append(text);
  return key;
}

std::string encode_speech(std::uint32_t rate, const std::vector<std::int16_t> &samples) {
  std::string value(kSpeechMagic);
  value.resize(kSpeechMagic.size() + sizeof rate + samples.size() * sizeof(std::int16_t));
  std::memcpy(value.data() + kSpeechMagic.size(), &rate, sizeof rate);
  std::memcpy(value.data() + kSpeechMagic.size() + sizeof rate, samples.data(), samples.size() * sizeof(std::int16_t));
  return value;
}

bool decode_speech(std::string_view value, std::uint32_t &rate, std::vector<std::int16_t> &samples) {
  const std::size_t header = kSpeechMagic.size() + sizeof rate;
  if (value.size() < header || value.substr(0, kSpeechMagic.size()) != kSpeechMagic ||
      (value.size() - header) % sizeof(std::int16_t) != 0) {
    return false;
  }
  std::memcpy(&rate, value.data() + kSpeechMagic.size(), sizeof rate);
  samples.resize((value.size() - header) / sizeof(std::int16_t));
  std::memcpy(samples.data(), value.data() + header, value.size() - header);
  return rate > 0;
}

std::string answer_key(std::string_view user_text) {
  std::string key = "llm";
  key += kSeparator;
  bool space = false;
  for (const char c : user_text) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = true;
      continue;
    }
    if (space && key.back() != kSeparator) key += ' ';
    space = false;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

}  // namespace switchboard::conversation
