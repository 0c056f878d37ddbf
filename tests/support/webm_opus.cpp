#include "support/webm_opus.hpp"

#include "audio/resampler.hpp"

#include <algorithm>
#include <memory>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

namespace switchboard::test {
namespace {

constexpr int kOpusRate = 48000;

int append(void *opaque, std::uint8_t *data, int size) {
  static_cast<std::string *>(opaque)->append(reinterpret_cast<const char *>(data), static_cast<std::size_t>(size));
  return size;
}

std::string describe(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

struct Muxer {
  AVFormatContext *format = nullptr;
  AVCodecContext *codec = nullptr;
  AVIOContext *io = nullptr;
  ~Muxer() {
    avcodec_free_context(&codec);
    if (io) av_freep(&io->buffer);
    avio_context_free(&io);
    avformat_free_context(format);
  }
};

// 16-bit samples at `rate` to 48 kHz, as a microphone at 48 kHz would have
// recorded them.
std::vector<std::int16_t> to_48k(std::span<const std::int16_t> samples, int rate) {
  audio::Resampler resampler(rate, kOpusRate);
  std::vector<std::int16_t> out;
  resampler.process(samples, out);
  resampler.flush(out);
  return out;
}

bool drain(Muxer &m, AVPacket *packet, std::string &error) {
  for (;;) {
    const int r = avcodec_receive_packet(m.codec, packet);
    if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
    if (r < 0) return error = "encode: " + describe(r), false;
    av_packet_rescale_ts(packet, m.codec->time_base, m.format->streams[0]->time_base);
    packet->stream_index = 0;
    if (const int w = av_interleaved_write_frame(m.format, packet); w < 0) {
      return error = "mux: " + describe(w), false;
    }
  }
}

}  // namespace

std::vector<std::string> webm_opus_chunks(std::span<const std::int16_t> samples, int rate, int bitrate,
                                          int timeslice_ms, std::string &error) {
  std::vector<std::string> chunks;
  std::string out;
  Muxer m;
  const AVCodec *opus = avcodec_find_encoder_by_name("libopus");
  if (!opus) return error = "this libavcodec has no libopus encoder", std::vector<std::string>{};
  if (avformat_alloc_output_context2(&m.format, nullptr, "webm", nullptr) < 0)
    return error = "no webm muxer", std::vector<std::string>{};
  m.codec = avcodec_alloc_context3(opus);
  m.codec->sample_rate = kOpusRate;
  m.codec->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  m.codec->sample_fmt = AV_SAMPLE_FMT_S16;
  m.codec->bit_rate = bitrate;
  m.codec->time_base = {1, kOpusRate};
  if (m.format->oformat->flags & AVFMT_GLOBALHEADER) m.codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (const int r = avcodec_open2(m.codec, opus, nullptr); r < 0)
    return error = "open libopus: " + describe(r), std::vector<std::string>{};
  AVStream *stream = avformat_new_stream(m.format, nullptr);
  avcodec_parameters_from_context(stream->codecpar, m.codec);
  stream->time_base = m.codec->time_base;
  // Unseekable, as a MediaRecorder's stream is: no cues, sizes unknown.
  auto *buffer = static_cast<unsigned char *>(av_malloc(4096));
  m.io = avio_alloc_context(buffer, 4096, 1, &out, nullptr, append, nullptr);
  m.format->pb = m.io;
  m.format->flags |= AVFMT_FLAG_CUSTOM_IO;
  AVDictionary *options = nullptr;
  av_dict_set(&options, "live", "1", 0);
  const int header = avformat_write_header(m.format, &options);
  av_dict_free(&options);
  if (header < 0) return error = "webm header: " + describe(header), std::vector<std::string>{};

  const auto pcm = to_48k(samples, rate);
  std::unique_ptr<AVFrame, void (*)(AVFrame *)> frame(av_frame_alloc(), [](AVFrame *f) { av_frame_free(&f); });
  std::unique_ptr<AVPacket, void (*)(AVPacket *)> packet(av_packet_alloc(), [](AVPacket *p) { av_packet_free(&p); });
  const auto frame_size = static_cast<std::size_t>(m.codec->frame_size);
  const auto slice = static_cast<std::size_t>(timeslice_ms) * kOpusRate / 1000;
  std::size_t next_slice = slice;
  // What the muxer has written so far becomes one message.
  auto take = [&](bool trailer_written) {
    if (!trailer_written) av_write_frame(m.format, nullptr);
    avio_flush(m.io);
    if (!out.empty()) chunks.push_back(std::move(out));
    out.clear();
  };
  for (std::size_t at = 0; at < pcm.size(); at += frame_size) {
    if (at >= next_slice) {
      take(false);
      next_slice += slice;
    }
    frame->nb_samples = static_cast<int>(frame_size);
    frame->format = AV_SAMPLE_FMT_S16;
    frame->sample_rate = kOpusRate;
    av_channel_layout_copy(&frame->ch_layout, &m.codec->ch_layout);
    if (av_frame_get_buffer(frame.get(), 0) < 0 || av_frame_make_writable(frame.get()) < 0)
      return error = "frame", std::vector<std::string>{};
    auto *dst = reinterpret_cast<std::int16_t *>(frame->data[0]);
    const std::size_t n = std::min(frame_size, pcm.size() - at);
    std::copy_n(pcm.begin() + static_cast<std::ptrdiff_t>(at), n, dst);
    std::fill(dst + n, dst + frame_size, std::int16_t{0});
    frame->pts = static_cast<std::int64_t>(at);
    if (const int r = avcodec_send_frame(m.codec, frame.get()); r < 0)
      return error = "encode: " + describe(r), std::vector<std::string>{};
    if (!drain(m, packet.get(), error)) return {};
    av_frame_unref(frame.get());
  }
  avcodec_send_frame(m.codec, nullptr);
  if (!drain(m, packet.get(), error)) return {};
  av_write_trailer(m.format);
  take(true);
  return chunks;
}

std::string webm_opus(std::span<const std::int16_t> samples, int rate, int bitrate, std::string &error) {
  std::string whole;
  for (const auto &chunk : webm_opus_chunks(samples, rate, bitrate, 1 << 20, error)) whole += chunk;
  return whole;
}

}  // namespace switchboard::test
