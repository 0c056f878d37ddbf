// What a chain calls: one provider's calls behind an interface, so fault
// injection can wrap a plugin and tests can drive a chain without one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "plugin/cancel_source.hpp"
#include "plugin/instance.hpp"
#include "plugin/llm_client.hpp"
#include "plugin/stt_client.hpp"
#include "plugin/tts_client.hpp"

namespace switchboard::resilience {

using sdk::Outcome;
using sdk::Status;

// Same contract as plugin::chat: an error outcome means nothing started;
// otherwise handler.on_done comes exactly once.
class LlmBackend {
 public:
  virtual ~LlmBackend() = default;
  virtual Outcome start(plugin::LlmRequest &request, plugin::LlmHandler &handler,
                        const plugin::CancelSource &cancel) = 0;
};

class TtsBackend {
 public:
  virtual ~TtsBackend() = default;
  virtual Outcome start(const std::string &text, const std::string &voice, plugin::TtsHandler &handler,
                        const plugin::CancelSource &cancel) = 0;
  virtual Outcome voices(nlohmann::json &out) = 0;
};

// One open speech-to-text stream; destroying it closes it, which is allowed
// only after its handler's on_done.
class SttSession {
 public:
  virtual ~SttSession() = default;
  // [audio-thread] No allocation, no lock.
  virtual Status feed(const std::int16_t *samples, std::size_t count) noexcept = 0;
  virtual void finish() noexcept = 0;
};

class SttBackend {
 public:
  virtual ~SttBackend() = default;
  virtual Outcome open(plugin::SttHandler &handler, const plugin::CancelSource &cancel,
                       std::unique_ptr<SttSession> &out) = 0;
};

// The plugin-backed implementations.
std::unique_ptr<LlmBackend> llm_backend(std::shared_ptr<plugin::Instance> instance);
std::unique_ptr<TtsBackend> tts_backend(std::shared_ptr<plugin::Instance> instance);
std::unique_ptr<SttBackend> stt_backend(std::shared_ptr<plugin::Instance> instance);

}  // namespace switchboard::resilience
