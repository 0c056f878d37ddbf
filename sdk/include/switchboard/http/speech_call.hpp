// A text-to-speech call over HTTP whose answer is audio bytes streamed as
// they are made: raw s16le PCM at a known rate, or a WAV stream (header, then
// PCM). Chunks reach the sink as they arrive; a body cut mid-sample fails as
// retryable; cancelling stops the call and releases its connection.
#pragma once

#include <cstdint>
#include <memory>

#include "switchboard/http/client.hpp"
#include "switchboard/sdk/config.hpp"
#include "switchboard/sdk/tts.hpp"

namespace switchboard::http {

enum class AudioBody { pcm_s16le, wav };

// Checks config[key], when present, is one of the PCM rates speech services
// offer: 8000, 16000, 22050, 24000, 44100, 48000.
inline void expect_pcm_rate(const nlohmann::json &config, const char *key, sdk::ConfigErrors &errors) {
  const auto it = config.find(key);
  if (it == config.end()) return;
  for (int r : {8000, 16000, 22050, 24000, 44100, 48000}) {
    if (it->is_number_integer() && it->get<int>() == r) return;
  }
  errors.add(sdk::config::pointer(key),
             sdk::config::about(key, " must be one of 8000, 16000, 22050, 24000, 44100, 48000"));
}

void stream_speech(Client &client, Request request, AudioBody body, std::uint32_t sample_rate, sdk::TtsSink sink,
                   const sdk::CancelToken &cancel);

}  // namespace switchboard::http
