// Compressed uploads to pipeline audio (16 kHz mono s16): WebM/Matroska, Ogg,
// MP3 and anything else libavformat reads, from memory. A stream decoder
// takes a recording as it arrives in chunks (a browser's MediaRecorder sends
// WebM/Opus every 100 ms) and yields the audio each chunk completes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace switchboard::audio {

class StreamDecoder {
 public:
  // At most max_samples of pipeline audio (16 kHz) per push or finish: a
  // message that would decode to more is refused as soon as that is known
  // (its declared duration, or the samples so far), so a small upload that
  // expands to hours costs no more than the limit.
  explicit StreamDecoder(std::size_t max_samples = SIZE_MAX);
  ~StreamDecoder();
  StreamDecoder(const StreamDecoder &) = delete;
  StreamDecoder &operator=(const StreamDecoder &) = delete;

  // Appends the next bytes of the stream and, to `out`, the audio they
  // complete (the last packet seen waits for the next push or finish, so a
  // chunk boundary never cuts one). False with `error` on data that cannot
  // be decoded; the decoder is then done.
  bool push(std::span<const std::uint8_t> bytes, std::vector<std::int16_t> &out, std::string &error);
  // The stream is over: appends the rest.
  bool finish(std::vector<std::int16_t> &out, std::string &error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole upload of any supported kind (WAV through its own fast path).
bool decode(std::span<const std::uint8_t> bytes, std::vector<std::int16_t> &out, std::string &error,
            std::size_t max_samples = SIZE_MAX);

// Raw little-endian 16-bit PCM at a declared rate and channel count.
bool decode_raw_pcm16(std::span<const std::uint8_t> bytes, int rate, int channels, std::vector<std::int16_t> &out,
                      std::string &error);

}  // namespace switchboard::audio
