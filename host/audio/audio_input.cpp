#include "audio/audio_input.hpp"

#include <cstdio>
#include <cstring>

#include "audio/resampler.hpp"
#include "audio/sniff.hpp"
#include "audio/wav.hpp"

namespace switchboard::audio {

bool AudioInput::check_duration(std::size_t samples, std::string &error) const {
  const double seconds = static_cast<double>(samples) / kPipelineRate;
  if (seconds > limits_.max_message_seconds) {
    char m[96];
    std::snprintf(m, sizeof m, "Audio too long: %.1fs > %gs", seconds, limits_.max_message_seconds);
    error = m;
    return false;
  }
  return true;
}

std::size_t AudioInput::max_samples() const {
  return static_cast<std::size_t>(limits_.max_message_seconds * kPipelineRate);
}

bool AudioInput::accept(std::span<const std::uint8_t> bytes, std::vector<std::int16_t> &out, std::string &error,
                        int declared_rate, int declared_channels) {
  if (bytes.empty()) {
    error = "empty audio message";
    return false;
  }
  std::vector<std::int16_t> decoded;
  bool ok = false;
  const Container kind = sniff(bytes);
  if (kind == Container::webm || (kind == Container::unknown && stream_)) {
    // A chunk is cut wherever the recorder's timer fell, so its first bytes
    // are anything; only a container's own signature, checked strictly by
    // sniff(), starts something else.
    // A new recording starts with its header; other chunks continue one.
    if (kind == Container::webm) stream_ = std::make_unique<StreamDecoder>(max_samples());
    ok = stream_->push(bytes, decoded, error);
    if (!ok) stream_.reset();
  } else if (kind == Container::wav) {
    Pcm pcm;
    ok = decode_wav(bytes, pcm, error);
    if (ok && pcm.sample_rate > limits_.max_sample_rate) {
      error = "sample rate " + std::to_string(pcm.sample_rate) + " Hz is over the limit of " +
              std::to_string(limits_.max_sample_rate) + " Hz";
      ok = false;
    } else if (ok && pcm.channels > limits_.max_channels) {
      error = std::to_string(pcm.channels) + " channels is over the limit of " + std::to_string(limits_.max_channels);
      ok = false;
    } else if (ok && pcm.seconds() > limits_.max_message_seconds) {
      ok = check_duration(pcm.frames() * kPipelineRate / static_cast<std::size_t>(pcm.sample_rate), error);
    }
    if (ok) decoded = to_pipeline(pcm);
  } else if (kind == Container::ogg || kind == Container::mp3) {
    ok = decode(bytes, decoded, error, max_samples());
  } else {
    if (declared_rate > limits_.max_sample_rate) {
      error = "declared sample rate " + std::to_string(declared_rate) + " Hz is over the limit of " +
              std::to_string(limits_.max_sample_rate) + " Hz";
      return false;
    }
    if (declared_channels > limits_.max_channels) {
      error = "declared " + std::to_string(declared_channels) + " channels is over the limit of " +
              std::to_string(limits_.max_channels);
      return false;
    }
    if (declared_rate == kPipelineRate && declared_channels == 1 && bytes.size() % 2 == 0) {
      // Already the pipeline's format (the usual 20 ms frame): straight into
      // `out`, whose memory the caller keeps, with no buffer in between.
      if (!check_duration(bytes.size() / 2, error)) return false;
      const std::size_t at = out.size();
      out.resize(at + bytes.size() / 2);
      std::memcpy(out.data() + at, bytes.data(), bytes.size());
      return true;
    }
    ok = decode_raw_pcm16(bytes, declared_rate, declared_channels, decoded, error);
  }
  if (!ok || !check_duration(decoded.size(), error)) return false;
  out.insert(out.end(), decoded.begin(), decoded.end());
  return true;
}

bool AudioInput::end_stream(std::vector<std::int16_t> &out, std::string &error) {
  if (!stream_) return true;
  auto stream = std::move(stream_);
  return stream->finish(out, error);
}

}  // namespace switchboard::audio
