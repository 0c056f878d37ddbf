// Calling an stt plugin from the host: one stream per utterance.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "plugin/cancel_source.hpp"
#include "plugin/instance.hpp"
#include "switchboard/sdk/status.hpp"
#include "switchboard/stt.h"

namespace switchboard::plugin {

// Receives one stream's results. Must outlive the stream: until on_done has
// returned.
class SttHandler {
 public:
  SttHandler();
  virtual ~SttHandler() = default;
  SttHandler(const SttHandler &) = delete;
  SttHandler &operator=(const SttHandler &) = delete;

  virtual void on_partial(std::string_view text) = 0;
  virtual void on_final(std::string_view text, float confidence, std::string_view language) = 0;
  virtual void on_done(const sdk::Outcome &outcome) = 0;

  const sb_stt_callbacks *callbacks() const noexcept { return &callbacks_; }

 private:
  sb_stt_callbacks callbacks_{};
};

// An open stream. Closing it (or destroying it) is allowed only after its
// handler's on_done has come.
class SttStream {
 public:
  SttStream() = default;
  SttStream(const Instance *stt, void *handle) : stt_(stt), handle_(handle) {}
  SttStream(SttStream &&other) noexcept : stt_(other.stt_), handle_(std::exchange(other.handle_, nullptr)) {}
  SttStream &operator=(SttStream &&other) noexcept;
  ~SttStream() { close(); }

  bool is_open() const noexcept { return handle_ != nullptr; }
  // [audio-thread] No allocation, no lock on the host's side.
  sdk::Status feed(const std::int16_t *samples, std::size_t count) noexcept;
  void finish() noexcept;
  void close() noexcept;

 private:
  const Instance *stt_ = nullptr;
  void *handle_ = nullptr;
};

// Opens a stream; on failure the outcome says why and the stream is closed.
sdk::Outcome open_stream(const Instance &stt, SttHandler &handler, const CancelSource &cancel, SttStream &out);

}  // namespace switchboard::plugin
