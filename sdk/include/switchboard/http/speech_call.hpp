// A text-to-speech call over HTTP whose answer is audio bytes streamed as
// they are made: raw s16le PCM at a known rate, or a WAV stream (header, then
// PCM). Chunks reach the sink as they arrive; a body cut mid-sample fails as
// retryable; cancelling stops the call and releases its connection.
#pragma once

#include <cstdint>
#include <memory>

#include "switchboard/http/client.hpp"
#include "switchboard/sdk/tts.hpp"

namespace switchboard::http {

enum class AudioBody { pcm_s16le, wav };

// The PCM rates speech services offer: 8000, 16000, 22050, 24000, 44100,
// 48000.
inline bool standard_pcm_rate(int rate) {
  for (int r : {8000, 16000, 22050, 24000, 44100, 48000}) {
    if (r == rate) return true;
  }
  return false;
}

void stream_speech(Client &client, Request request, AudioBody body, std::uint32_t sample_rate, sdk::TtsSink sink,
                   const sdk::CancelToken &cancel);

}  // namespace switchboard::http
