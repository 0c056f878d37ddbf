// The cache's two uses in a turn: speech (key: tts provider, voice, text;
// value: the sample rate and PCM16 samples) and, when enabled, exact-match
// answers (key: the user's message, case and spacing ignored). Cached
// speech is used only when it is the provider the chain would pick now
// (Chain::current()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::conversation {

std::string speech_key(std::string_view provider, std::string_view voice, std::string_view text);
std::string encode_speech(std::uint32_t rate, const std::vector<std::int16_t> &samples);
// False when the value is not speech this host stored.
bool decode_speech(std::string_view value, std::uint32_t &rate, std::vector<std::int16_t> &samples);

std::string answer_key(std::string_view user_text);

}  // namespace switchboard::conversation
