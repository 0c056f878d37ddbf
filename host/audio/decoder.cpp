#include "audio/decoder.hpp"

#include <cstring>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include "audio/pcm.hpp"
#include "audio/resampler.hpp"
#include "audio/sniff.hpp"
#include "audio/wav.hpp"

namespace switchboard::audio {
namespace {

// The bytes received so far, read by libavformat through a custom AVIO.
struct Memory {
  const std::vector<std::uint8_t> *data;
  std::size_t pos = 0;
};

int read_memory(void *opaque, std::uint8_t *buf, int size) {
  auto *m = static_cast<Memory *>(opaque);
  const std::size_t left = m->data->size() - m->pos;
  if (left == 0) return AVERROR_EOF;
  const std::size_t n = left < static_cast<std::size_t>(size) ? left : static_cast<std::size_t>(size);
  std::memcpy(buf, m->data->data() + m->pos, n);
  m->pos += n;
  return static_cast<int>(n);
}

std::int64_t seek_memory(void *opaque, std::int64_t offset, int whence) {
  auto *m = static_cast<Memory *>(opaque);
  const auto size = static_cast<std::int64_t>(m->data->size());
  if (whence == AVSEEK_SIZE) return size;
  std::int64_t to = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      to = offset;
      break;
    case SEEK_CUR:
      to = static_cast<std::int64_t>(m->pos) + offset;
      break;
    case SEEK_END:
      to = size + offset;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (to < 0 || to > size) return AVERROR(EINVAL);
  m->pos = static_cast<std::size_t>(to);
  return to;
}

std::string av_message(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

// One pass of the demuxer over the bytes so far.
class Demux {
 public:
  explicit Demux(const std::vector<std::uint8_t> &data) : memory_{&data, 0} {}
  ~Demux() {
    if (format_ != nullptr) {
      avformat_close_input(&format_);
    }
    if (io_ != nullptr) {
      av_freep(&io_->buffer);
      avio_context_free(&io_);
    }
  }

  // 0, or an AVERROR (AVERROR_EOF / INVALIDDATA when the header is not all there yet).
  int open() {
    constexpr int kBuffer = 4096;
    auto *buffer = static_cast<std::uint8_t *>(av_malloc(kBuffer));
    io_ = avio_alloc_context(buffer, kBuffer, 0, &memory_, &read_memory, nullptr, &seek_memory);
    format_ = avformat_alloc_context();
    format_->pb = io_;
    format_->flags |= AVFMT_FLAG_CUSTOM_IO;
    const int rc = avformat_open_input(&format_, nullptr, nullptr, nullptr);
    if (rc < 0) return rc;
    // Some containers (MP3) describe their stream only once packets are read.
    // A chunked upload may fall short here; what is known is enough then.
    avformat_find_stream_info(format_, nullptr);
    stream_ = av_find_best_stream(format_, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    return stream_ < 0 ? stream_ : 0;
  }

  AVFormatContext *format() const { return format_; }
  int stream() const { return stream_; }

 private:
  Memory memory_;
  AVIOContext *io_ = nullptr;
  AVFormatContext *format_ = nullptr;
  int stream_ = -1;
};

}  // namespace

struct StreamDecoder::Impl {
  std::vector<std::uint8_t> bytes;
  std::size_t decoded_packets = 0;
  AVCodecContext *codec = nullptr;
  SwrContext *swr = nullptr;
  std::unique_ptr<Resampler> resampler;
  AVFrame *frame = av_frame_alloc();
  std::vector<std::int16_t> mono;
  bool failed = false;
  std::size_t max_samples = SIZE_MAX;
  std::size_t run_start = 0;  // out's size when this push began

  bool over_budget(const std::vector<std::int16_t> &out, std::size_t more, std::string &error) const {
    if (max_samples == SIZE_MAX || out.size() - run_start + more <= max_samples) return false;
    error = "Audio too long: more than " + std::to_string(max_samples / kPipelineRate) + "s";
    return true;
  }

  ~Impl() {
    av_frame_free(&frame);
    swr_free(&swr);
    avcodec_free_context(&codec);
  }

  bool open_codec(const AVCodecParameters *params, std::string &error) {
    const AVCodec *decoder = avcodec_find_decoder(params->codec_id);
    if (decoder == nullptr) {
      error = std::string("unsupported audio codec ") + avcodec_get_name(params->codec_id);
      return false;
    }
    codec = avcodec_alloc_context3(decoder);
    if (avcodec_parameters_to_context(codec, params) < 0 || avcodec_open2(codec, decoder, nullptr) < 0) {
      error = std::string("cannot open the ") + decoder->name + " decoder";
      return false;
    }
    return true;
  }

  // Frames out of the codec, to 16 kHz mono in `out`.
  bool drain(std::vector<std::int16_t> &out, std::string &error) {
    while (true) {
      const int rc = avcodec_receive_frame(codec, frame);
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return true;
      if (rc < 0) {
        error = "corrupt audio: " + av_message(rc);
        return false;
      }
      if (swr == nullptr) {
        AVChannelLayout mono_layout = AV_CHANNEL_LAYOUT_MONO;
        if (swr_alloc_set_opts2(&swr, &mono_layout, AV_SAMPLE_FMT_S16, frame->sample_rate, &frame->ch_layout,
                                static_cast<AVSampleFormat>(frame->format), frame->sample_rate, 0, nullptr) < 0 ||
            swr_init(swr) < 0) {
          error = "cannot convert this audio's sample format";
          return false;
        }
        resampler = std::make_unique<Resampler>(frame->sample_rate, kPipelineRate);
      }
      const auto expected = static_cast<std::size_t>(frame->nb_samples) * kPipelineRate /
                            static_cast<std::size_t>(std::max(1, frame->sample_rate));
      if (over_budget(out, expected, error)) {
        av_frame_unref(frame);
        return false;
      }
      mono.resize(static_cast<std::size_t>(swr_get_out_samples(swr, frame->nb_samples)));
      auto *dst = reinterpret_cast<std::uint8_t *>(mono.data());
      const int n = swr_convert(swr, &dst, static_cast<int>(mono.size()),
                                const_cast<const std::uint8_t **>(frame->extended_data), frame->nb_samples);
      av_frame_unref(frame);
      if (n < 0) {
        error = "cannot convert audio: " + av_message(n);
        return false;
      }
      resampler->process(std::span<const std::int16_t>(mono.data(), static_cast<std::size_t>(n)), out);
    }
  }

  // Demuxes everything received; decodes the packets not yet decoded, all
  // of them when `final`, else all but the last (it may be incomplete).
  bool run(bool final, std::vector<std::int16_t> &out, std::string &error) {
    run_start = out.size();
    Demux demux(bytes);
    const int opened = demux.open();
    if (opened < 0) {
      if (!final) return true;  // the header may still be arriving
      error = bytes.empty() ? "no audio data" : "cannot read this audio: " + av_message(opened);
      return false;
    }
    // What the container declares, before a sample is decoded.
    const std::int64_t declared = demux.format()->duration;
    if (declared > 0 && decoded_packets == 0 &&
        over_budget(out, static_cast<std::size_t>(declared / AV_TIME_BASE) * kPipelineRate, error)) {
      return false;
    }
    // The first chunks may not describe the stream fully yet: until a packet
    // has been decoded, open the codec from the latest description.
    if (decoded_packets == 0) avcodec_free_context(&codec);
    if (codec == nullptr && !open_codec(demux.format()->streams[demux.stream()]->codecpar, error)) return false;
    AVPacket *packet = av_packet_alloc();
    AVPacket *pending = av_packet_alloc();  // the last packet read, decoded only once another follows
    bool have_pending = false;
    std::size_t index = 0;
    bool ok = true;
    auto decode_pending = [&]() -> bool {
      if (!have_pending) return true;
      have_pending = false;
      const std::size_t i = index++;
      if (i < decoded_packets) {
        av_packet_unref(pending);
        return true;
      }
      ++decoded_packets;
      const int rc = avcodec_send_packet(codec, pending);
      av_packet_unref(pending);
      if (rc < 0 && rc != AVERROR(EAGAIN)) {
        error = "corrupt audio: " + av_message(rc);
        return false;
      }
      return drain(out, error);
    };
    while (ok && av_read_frame(demux.format(), packet) >= 0) {
      if (packet->stream_index != demux.stream()) {
        av_packet_unref(packet);
        continue;
      }
      ok = decode_pending();
      av_packet_move_ref(pending, packet);
      have_pending = true;
    }
    if (ok && final) {
      ok = decode_pending();
      if (ok) {
        avcodec_send_packet(codec, nullptr);
        ok = drain(out, error);
      }
      if (ok && resampler) resampler->flush(out);
    }
    av_packet_free(&packet);
    av_packet_free(&pending);
    return ok;
  }
};

StreamDecoder::StreamDecoder(std::size_t max_samples) : impl_(std::make_unique<Impl>()) {
  impl_->max_samples = max_samples;
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
}

StreamDecoder::~StreamDecoder() = default;

bool StreamDecoder::push(std::span<const std::uint8_t> bytes, std::vector<std::int16_t> &out, std::string &error) {
  if (impl_->failed) {
    error = "the stream already failed";
    return false;
  }
  impl_->bytes.insert(impl_->bytes.end(), bytes.begin(), bytes.end());
  impl_->failed = !impl_->run(false, out, error);
  return !impl_->failed;
}

bool StreamDecoder::finish(std::vector<std::int16_t> &out, std::string &error) {
  if (impl_->failed) {
    error = "the stream already failed";
    return false;
  }
  impl_->failed = !impl_->run(true, out, error);
  return !impl_->failed;
}

bool decode(std::span<const std::uint8_t> bytes, std::vector<std::int16_t> &out, std::string &error,
            std::size_t max_samples) {
  if (sniff(bytes) == Container::wav) {
    Pcm pcm;
    if (!decode_wav(bytes, pcm, error)) return false;
    out = to_pipeline(pcm);
    return true;
  }
  StreamDecoder decoder(max_samples);
  return decoder.push(bytes, out, error) && decoder.finish(out, error);
}

bool decode_raw_pcm16(std::span<const std::uint8_t> bytes, int rate, int channels, std::vector<std::int16_t> &out,
                      std::string &error) {
  if (!input_format_ok(rate, channels, error)) return false;
  const std::size_t frame_bytes = 2 * static_cast<std::size_t>(channels);
  if (bytes.size() % frame_bytes != 0) {
    error = "PCM16 data must be whole frames of " + std::to_string(frame_bytes) + " bytes; got " +
            std::to_string(bytes.size()) + " bytes";
    return false;
  }
  Pcm pcm;
  pcm.sample_rate = rate;
  pcm.channels = channels;
  pcm.samples.resize(bytes.size() / 2);
  std::memcpy(pcm.samples.data(), bytes.data(), bytes.size());
  out = to_pipeline(pcm);
  return true;
}

}  // namespace switchboard::audio
