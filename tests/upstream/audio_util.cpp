// Audio and form helpers shared by the upstream's speech routes.
#include <cmath>
#include <cstring>

#include "upstream/server.hpp"

namespace switchboard::upstream {

std::string tone_pcm(std::size_t count, std::uint32_t rate, std::size_t offset) {
  std::string out(count * 2, '\0');
  for (std::size_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(offset + i) / rate;
    const auto v = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440 * t));
    out[2 * i] = static_cast<char>(v & 0xff);
    out[2 * i + 1] = static_cast<char>((v >> 8) & 0xff);
  }
  return out;
}

namespace {
void put32(std::string &s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put16(std::string &s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xff));
  s.push_back(static_cast<char>(v >> 8));
}
std::uint32_t get32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
}  // namespace

std::string wav_header(std::uint32_t rate, std::uint32_t data_bytes) {
  std::string h = "RIFF";
  put32(h, data_bytes == 0xFFFFFFFF ? 0xFFFFFFFF : 36 + data_bytes);
  h += "WAVEfmt ";
  put32(h, 16);
  put16(h, 1);
  put16(h, 1);
  put32(h, rate);
  put32(h, rate * 2);
  put16(h, 2);
  put16(h, 16);
  h += "data";
  put32(h, data_bytes);
  return h;
}

bool silent_pcm(std::string_view bytes) {
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    const auto v =
        static_cast<std::int16_t>(static_cast<unsigned char>(bytes[i]) | static_cast<unsigned char>(bytes[i + 1]) << 8);
    if (std::abs(v) > 300) return false;
  }
  return true;
}

long wav_samples(std::string_view file, std::uint32_t &rate, bool &silent) {
  if (file.size() < 12 || file.substr(0, 4) != "RIFF" || file.substr(8, 4) != "WAVE") return -1;
  std::size_t at = 12;
  std::uint16_t channels = 0;
  std::uint16_t bits = 0;
  while (at + 8 <= file.size()) {
    const auto id = file.substr(at, 4);
    std::uint32_t size = get32(file, at + 4);
    if (id == "fmt " && at + 8 + 16 <= file.size()) {
      if ((static_cast<unsigned char>(file[at + 8]) | static_cast<unsigned char>(file[at + 9]) << 8) != 1) return -1;
      channels = static_cast<std::uint16_t>(static_cast<unsigned char>(file[at + 10]));
      rate = get32(file, at + 12);
      bits = static_cast<std::uint16_t>(static_cast<unsigned char>(file[at + 22]));
    } else if (id == "data") {
      if (channels == 0 || bits != 16) return -1;
      size = static_cast<std::uint32_t>(std::min<std::size_t>(size, file.size() - at - 8));
      silent = silent_pcm(file.substr(at + 8, size));
      return static_cast<long>(size / (2 * channels));
    }
    at += 8 + size + (size & 1);
  }
  return -1;
}

awaitable<void> stream_tone(Exchange &x, const Script &s, std::size_t samples, std::uint32_t rate,
                            const std::string &content_type, const std::string &prefix) {
  co_await x.begin_stream(content_type);
  const std::size_t per_chunk = std::max<std::size_t>(1, rate * static_cast<std::size_t>(s.audio_chunk_ms) / 1000);
  std::string first = prefix;
  for (std::size_t at = 0; at < samples; at += per_chunk) {
    std::string piece = first + tone_pcm(std::min(per_chunk, samples - at), rate, at);
    first.clear();
    if (!co_await x.chunk(piece)) co_return;
  }
  co_await x.end_stream();
}

bool parse_multipart(std::string_view content_type, std::string_view body, std::vector<FormPart> &parts) {
  if (content_type.rfind("multipart/form-data", 0) != 0) return false;
  const auto b = content_type.find("boundary=");
  if (b == std::string_view::npos) return false;
  std::string boundary(content_type.substr(b + 9));
  if (const auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
  if (boundary.size() > 1 && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
  const std::string delimiter = "--" + boundary;
  auto at = body.find(delimiter);
  if (at == std::string_view::npos) return false;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return true;
    if (body.substr(at, 2) != "\r\n") return false;
    at += 2;
    const auto head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return false;
    FormPart part;
    const auto head = body.substr(at, head_end - at);
    auto quoted = [&](std::string_view key) {
      const auto k = head.find(key);
      if (k == std::string_view::npos) return std::string();
      const auto start = k + key.size();
      return std::string(head.substr(start, head.find('"', start) - start));
    };
    part.name = quoted("name=\"");
    part.filename = quoted("filename=\"");
    if (const auto ct = head.find("Content-Type: "); ct != std::string_view::npos) {
      part.content_type = std::string(head.substr(ct + 14, head.find("\r\n", ct) - ct - 14));
    }
    const auto next = body.find("\r\n" + delimiter, head_end + 4);
    if (next == std::string_view::npos) return false;
    part.data = std::string(body.substr(head_end + 4, next - head_end - 4));
    parts.push_back(std::move(part));
    at = next + 2;
  }
}

}  // namespace switchboard::upstream
