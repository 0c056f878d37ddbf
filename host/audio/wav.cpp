#include "audio/wav.hpp"

#include <cmath>
#include <cstring>

namespace switchboard::audio {
namespace {

std::uint32_t u32(const std::uint8_t *p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint16_t u16(const std::uint8_t *p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

void put32(std::vector<std::uint8_t> &v, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}
void put16(std::vector<std::uint8_t> &v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x));
  v.push_back(static_cast<std::uint8_t>(x >> 8));
}

std::int16_t clamp16(double v) {
  v = std::round(v * 32768.0);
  return static_cast<std::int16_t>(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
}

constexpr std::uint16_t kPcm = 1;
constexpr std::uint16_t kFloat = 3;
constexpr std::uint16_t kExtensible = 0xFFFE;

}  // namespace

bool looks_like_wav(std::span<const std::uint8_t> b) noexcept {
  return b.size() >= 12 && std::memcmp(b.data(), "RIFF", 4) == 0 && std::memcmp(b.data() + 8, "WAVE", 4) == 0;
}

bool decode_wav(std::span<const std::uint8_t> b, Pcm &out, std::string &error) {
  if (!looks_like_wav(b)) {
    error = "not a WAV file";
    return false;
  }
  std::uint16_t format = 0, channels = 0, bits = 0;
  std::uint32_t rate = 0;
  const std::uint8_t *data = nullptr;
  std::size_t data_size = 0;
  std::size_t at = 12;
  while (at + 8 <= b.size()) {
    const std::uint32_t size = u32(b.data() + at + 4);
    const std::uint8_t *body = b.data() + at + 8;
    const std::size_t available = b.size() - at - 8;
    if (std::memcmp(b.data() + at, "fmt ", 4) == 0) {
      if (size < 16 || available < 16) {
        error = "truncated fmt chunk";
        return false;
      }
      format = u16(body);
      channels = u16(body + 2);
      rate = u32(body + 4);
      bits = u16(body + 14);
      if (format == kExtensible && size >= 26 && available >= 26) format = u16(body + 24);
    } else if (std::memcmp(b.data() + at, "data", 4) == 0) {
      data = body;
      data_size = size < available ? size : available;  // a truncated file keeps what it has
      break;
    }
    at += 8 + size + (size & 1);
  }
  if (channels == 0 || rate == 0) {
    error = "WAV file has no usable fmt chunk";
    return false;
  }
  if (!input_format_ok(rate, channels, error)) {
    error = "WAV " + error;
    return false;
  }
  if (data == nullptr) {
    error = "WAV file has no data chunk";
    return false;
  }
  const bool pcm_ok = format == kPcm && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
  const bool float_ok = format == kFloat && (bits == 32 || bits == 64);
  if (!pcm_ok && !float_ok) {
    error = "unsupported WAV encoding (format " + std::to_string(format) + ", " + std::to_string(bits) + " bits)";
    return false;
  }
  const std::size_t width = bits / 8;
  const std::size_t count = data_size / width / channels * channels;
  out.sample_rate = static_cast<int>(rate);
  out.channels = channels;
  out.samples.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t *p = data + i * width;
    std::int16_t s = 0;
    if (format == kFloat) {
      if (bits == 32) {
        float f;
        std::memcpy(&f, p, 4);
        s = clamp16(f);
      } else {
        double d;
        std::memcpy(&d, p, 8);
        s = clamp16(d);
      }
    } else if (bits == 8) {
      s = static_cast<std::int16_t>((static_cast<int>(p[0]) - 128) << 8);
    } else {
      // Keep the top 16 bits of a little-endian sample.
      s = static_cast<std::int16_t>(u16(p + width - 2));
    }
    out.samples[i] = s;
  }
  return true;
}

std::vector<std::uint8_t> wav_header(std::size_t samples, int rate, int channels) {
  const auto data_bytes = static_cast<std::uint32_t>(samples * 2);
  std::vector<std::uint8_t> h;
  h.reserve(44);
  h.insert(h.end(), {'R', 'I', 'F', 'F'});
  put32(h, 36 + data_bytes);
  h.insert(h.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
  put32(h, 16);
  put16(h, kPcm);
  put16(h, static_cast<std::uint16_t>(channels));
  put32(h, static_cast<std::uint32_t>(rate));
  put32(h, static_cast<std::uint32_t>(rate * channels * 2));
  put16(h, static_cast<std::uint16_t>(channels * 2));
  put16(h, 16);
  h.insert(h.end(), {'d', 'a', 't', 'a'});
  put32(h, data_bytes);
  return h;
}

std::vector<std::uint8_t> encode_wav(std::span<const std::int16_t> samples, int rate, int channels) {
  std::vector<std::uint8_t> out = wav_header(samples.size(), rate, channels);
  const std::size_t header = out.size();
  out.resize(header + samples.size() * 2);
  std::memcpy(out.data() + header, samples.data(), samples.size() * 2);
  return out;
}

}  // namespace switchboard::audio
