// Speech-to-text for C++ plugins: derive from Stt and SttStream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "switchboard/sdk/host.hpp"
#include "switchboard/sdk/sink.hpp"
#include "switchboard/stt.h"

namespace switchboard::sdk {

struct SttOptions {
  std::uint32_t sample_rate = SB_STT_SAMPLE_RATE;
  std::string language;
};

// Where a stream reports; copy it freely. Calls after done are dropped.
class SttSink : public detail::SinkBase<sb_stt_callbacks> {
 public:
  using SinkBase::SinkBase;

  bool partial(std::string_view text) {
    const std::string t(text);
    return state_->emit([&](const sb_stt_callbacks &cb) { cb.on_partial(cb.user, t.c_str()); });
  }
  bool final_text(std::string_view text, float confidence, std::string_view language = {}) {
    const std::string t(text);
    const std::string lang(language);
    return state_->emit([&](const sb_stt_callbacks &cb) {
      cb.on_final(cb.user, t.c_str(), confidence, lang.empty() ? nullptr : lang.c_str());
    });
  }
};

class SttStream {
 public:
  virtual ~SttStream() = default;
  // [audio-thread] No blocking, no allocation, no I/O: copy into a buffer you
  // allocated at open and hand the work to another thread.
  virtual void feed(const std::int16_t *samples, std::size_t count) = 0;
  // No more audio: report finals, then sink.done().
  virtual void finish() = 0;
};

class Stt {
 public:
  virtual ~Stt() = default;
  // [any-thread] Opens a stream reporting to sink until it calls done or fail.
  virtual std::unique_ptr<SttStream> open(const SttOptions &options, SttSink sink, CancelToken cancel) = 0;
};

}  // namespace switchboard::sdk
