#include "switchboard/http/speech_call.hpp"

#include <cstring>
#include <mutex>

#include "switchboard/http/cancel_link.hpp"
#include "switchboard/http/pcm_stream.hpp"

namespace switchboard::http {

namespace {

std::uint32_t le32(const std::string &s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

struct SpeechCall {
  SpeechCall(sdk::TtsSink s, AudioBody b, std::uint32_t r) : sink(std::move(s)), body(b), rate(r) {}
  sdk::TtsSink sink;
  AudioBody body;
  std::uint32_t rate;
  CancelLink link;
  PcmStream pcm;
  std::string header;  // a WAV stream's header, until its data chunk starts
  bool in_data = false;
  std::size_t samples = 0;

  // Bytes of a WAV stream: the header is read (its rate wins), then PCM.
  std::optional<sdk::Outcome> wav(std::string_view bytes) {
    if (in_data) return pcm_bytes(bytes);
    header.append(bytes);
    if (header.size() < 12) return std::nullopt;
    if (header.compare(0, 4, "RIFF") != 0 || header.compare(8, 4, "WAVE") != 0) {
      return sdk::Outcome{sdk::Status::retryable, "the speech is not a WAV stream", 0};
    }
    std::size_t at = 12;
    while (at + 8 <= header.size()) {
      const std::uint32_t size = le32(header, at + 4);
      if (header.compare(at, 4, "fmt ") == 0) {
        if (at + 8 + 16 > header.size()) return std::nullopt;
        const int format = static_cast<unsigned char>(header[at + 8]) | static_cast<unsigned char>(header[at + 9]) << 8;
        const int channels = static_cast<unsigned char>(header[at + 10]);
        const int bits = static_cast<unsigned char>(header[at + 22]);
        if (format != 1 || channels != 1 || bits != 16) {
          return sdk::Outcome{sdk::Status::retryable, "the speech is not mono 16-bit PCM WAV", 0};
        }
        rate = le32(header, at + 12);
      } else if (header.compare(at, 4, "data") == 0) {
        in_data = true;
        const std::string rest = header.substr(at + 8);
        header.clear();
        return pcm_bytes(rest);
      }
      at += 8 + size;
    }
    if (header.size() > 4096) return sdk::Outcome{sdk::Status::retryable, "no data chunk in the WAV stream", 0};
    return std::nullopt;
  }

  std::optional<sdk::Outcome> pcm_bytes(std::string_view bytes) {
    pcm.feed(bytes, [&](const std::int16_t *s, std::size_t n) {
      samples += n;
      sink.audio(s, n, rate);
    });
    return std::nullopt;
  }
};

}  // namespace

void stream_speech(Client &client, Request request, AudioBody body, std::uint32_t sample_rate, sdk::TtsSink sink,
                   const sdk::CancelToken &cancel) {
  auto call = std::make_shared<SpeechCall>(std::move(sink), body, sample_rate);
  call->link.arm(cancel);
  if (call->link.cancelled()) {
    call->link.release();
    call->sink.fail(sdk::Status::cancelled, "cancelled");
    return;
  }
  Handlers handlers;
  handlers.on_data = [call](std::string_view bytes) {
    return call->body == AudioBody::wav ? call->wav(bytes) : call->pcm_bytes(bytes);
  };
  handlers.on_done = [call](const sdk::Outcome &outcome) {
    call->link.release();
    if (!outcome.ok()) {
      call->sink.fail(outcome);
    } else if (call->pcm.dangling() || (call->body == AudioBody::wav && !call->in_data)) {
      call->sink.fail(sdk::Status::retryable, "the speech stream was cut short (half a sample at its end)");
    } else if (call->samples == 0) {
      call->sink.fail(sdk::Status::retryable, "the speech stream was empty");
    } else {
      call->sink.done();
    }
  };
  const Call started = client.start(std::move(request), std::move(handlers));
  call->link.attach([started] { started.cancel(); });
}

}  // namespace switchboard::http
