// Calling a tts plugin from the host.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "plugin/cancel_source.hpp"
#include "plugin/instance.hpp"
#include "switchboard/sdk/status.hpp"
#include "switchboard/tts.h"

namespace switchboard::plugin {

// Receives one synthesis. Must outlive the call: until on_done has returned.
class TtsHandler {
 public:
  TtsHandler();
  virtual ~TtsHandler() = default;
  TtsHandler(const TtsHandler &) = delete;
  TtsHandler &operator=(const TtsHandler &) = delete;

  virtual void on_audio(const std::int16_t *samples, std::size_t count, std::uint32_t sample_rate) = 0;
  virtual void on_done(const sdk::Outcome &outcome) = 0;
  // The word at byte text_offset of the text begins at `sample` (ABI 1.2).
  virtual void on_word(std::size_t /*text_offset*/, std::uint64_t /*sample*/) {}

  const sb_tts_callbacks *callbacks() const noexcept { return &callbacks_; }

 private:
  sb_tts_callbacks callbacks_{};
};

// The voices as a JSON array; an error outcome when the plugin failed.
sdk::Outcome list_voices(const Instance &tts, nlohmann::json &voices);

sdk::Outcome synthesize(const Instance &tts, const std::string &text, const std::string &voice, TtsHandler &handler,
                        const CancelSource &cancel);

}  // namespace switchboard::plugin
