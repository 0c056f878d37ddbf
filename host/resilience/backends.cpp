#include "resilience/backends.hpp"

namespace switchboard::resilience {
namespace {

class PluginLlm : public LlmBackend {
 public:
  explicit PluginLlm(std::shared_ptr<plugin::Instance> instance) : instance_(std::move(instance)) {}
  Outcome start(plugin::LlmRequest &request, plugin::LlmHandler &handler, const plugin::CancelSource &cancel) override {
    return plugin::chat(*instance_, request, handler, cancel);
  }

 private:
  std::shared_ptr<plugin::Instance> instance_;
};

class PluginTts : public TtsBackend {
 public:
  explicit PluginTts(std::shared_ptr<plugin::Instance> instance) : instance_(std::move(instance)) {}
  Outcome start(const std::string &text, const std::string &voice, plugin::TtsHandler &handler,
                const plugin::CancelSource &cancel) override {
    return plugin::synthesize(*instance_, text, voice, handler, cancel);
  }
  Outcome voices(nlohmann::json &out) override { return plugin::list_voices(*instance_, out); }

 private:
  std::shared_ptr<plugin::Instance> instance_;
};

class PluginSttSession : public SttSession {
 public:
  PluginSttSession(std::shared_ptr<plugin::Instance> instance, plugin::SttStream stream)
      : instance_(std::move(instance)), stream_(std::move(stream)) {}
  Status feed(const std::int16_t *samples, std::size_t count) noexcept override { return stream_.feed(samples, count); }
  void finish() noexcept override { stream_.finish(); }

 private:
  std::shared_ptr<plugin::Instance> instance_;  // outlives the stream
  plugin::SttStream stream_;
};

class PluginStt : public SttBackend {
 public:
  explicit PluginStt(std::shared_ptr<plugin::Instance> instance) : instance_(std::move(instance)) {}
  Outcome open(plugin::SttHandler &handler, const plugin::CancelSource &cancel,
               std::unique_ptr<SttSession> &out) override {
    plugin::SttStream stream;
    Outcome outcome = plugin::open_stream(*instance_, handler, cancel, stream);
    if (outcome.ok()) {
      out = std::make_unique<PluginSttSession>(instance_, std::move(stream));
    }
    return outcome;
  }

 private:
  std::shared_ptr<plugin::Instance> instance_;
};

}  // namespace

std::unique_ptr<LlmBackend> llm_backend(std::shared_ptr<plugin::Instance> instance) {
  return std::make_unique<PluginLlm>(std::move(instance));
}
std::unique_ptr<TtsBackend> tts_backend(std::shared_ptr<plugin::Instance> instance) {
  return std::make_unique<PluginTts>(std::move(instance));
}
std::unique_ptr<SttBackend> stt_backend(std::shared_ptr<plugin::Instance> instance) {
  return std::make_unique<PluginStt>(std::move(instance));
}

}  // namespace switchboard::resilience
