// What an audio upload is, from its first bytes.
#pragma once

#include <cstdint>
#include <span>

namespace switchboard::audio {

enum class Container { unknown, wav, webm, ogg, mp3 };

const char *to_string(Container c) noexcept;
Container sniff(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace switchboard::audio
