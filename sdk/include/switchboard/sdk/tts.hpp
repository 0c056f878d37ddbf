// Text-to-speech for C++ plugins: derive from Tts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/sdk/host.hpp"
#include "switchboard/sdk/sink.hpp"
#include "switchboard/tts.h"

namespace switchboard::sdk {

struct Voice {
  std::string id;
  std::string name;
  std::string language;
  std::string gender;
  std::uint32_t sample_rate = 0;
};

inline void to_json(nlohmann::json &j, const Voice &v) {
  j = nlohmann::json{{"id", v.id}};
  if (!v.name.empty()) j["name"] = v.name;
  if (!v.language.empty()) j["language"] = v.language;
  if (!v.gender.empty()) j["gender"] = v.gender;
  if (v.sample_rate != 0) j["sample_rate"] = v.sample_rate;
}

struct TtsRequest {
  std::string text;
  std::string voice;  // empty: the configured default
  std::uint32_t sample_rate = 0;
  nlohmann::json options = nlohmann::json::object();
};

// Where a synthesis reports; copy it freely. Calls after done are dropped.
class TtsSink : public detail::SinkBase<sb_tts_callbacks> {
 public:
  using SinkBase::SinkBase;

  bool audio(const std::int16_t *samples, std::size_t count, std::uint32_t sample_rate) {
    return state_->emit([&](const sb_tts_callbacks &cb) { cb.on_audio(cb.user, samples, count, sample_rate); });
  }
  // The word at byte `text_offset` of the text begins at `sample` (counted
  // over all audio of this synthesis). Ignored by a host older than ABI 1.2.
  // Like audio, it comes from the synthesis, not from inside synthesize():
  // the host may be holding its call's lock there.
  bool word(std::size_t text_offset, std::uint64_t sample) {
    return state_->emit([&](const sb_tts_callbacks &cb) {
      if (cb.struct_size >= offsetof(sb_tts_callbacks, on_word) + sizeof cb.on_word && cb.on_word != nullptr)
        cb.on_word(cb.user, text_offset, sample);
    });
  }
};

class Tts {
 public:
  virtual ~Tts() = default;
  virtual std::vector<Voice> voices() = 0;
  // [any-thread, non-blocking] Starts synthesis reporting to sink.
  virtual void synthesize(const TtsRequest &request, TtsSink sink, CancelToken cancel) = 0;
};

}  // namespace switchboard::sdk
