// stt-openai: each utterance uploaded whole to {base_url}/audio/transcriptions
// as a WAV file (multipart), its text the final transcript. Serves OpenAI,
// Groq and OpenAI-compatible whisper servers (faster-whisper-server,
// whisper.cpp's server with --inference-path).
//
// config (plus the connection settings of switchboard/http/endpoint.hpp):
//   model: whisper-1               (Groq: whisper-large-v3-turbo)
//   language: en                   ISO-639-1 hint; the call's own hint wins
//   prompt: "Switchboard, Deepgram"  vocabulary hint
//   max_utterance_seconds: 60      the longest utterance kept for upload
#include <memory>

#include "switchboard/http/client.hpp"
#include "switchboard/http/endpoint.hpp"
#include "switchboard/http/upload_stream.hpp"
#include "switchboard/sdk/plugin.hpp"
#include "switchboard/sdk/wav.hpp"

namespace sdk = switchboard::sdk;
namespace http = switchboard::http;

class OpenAiStt : public sdk::Stt {
 public:
  explicit OpenAiStt(sdk::Host &host)
      : endpoint_(http::Endpoint::from(host.config(), "https://api.openai.com/v1")), client_(http::Client::shared()) {
    const auto &c = host.config();
    model_ = c.value("model", "whisper-1");
    language_ = c.value("language", "");
    prompt_ = c.value("prompt", "");
    max_seconds_ = c.value("max_utterance_seconds", 60);
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!http::Endpoint::allow_only(c, {"model", "language", "prompt", "max_utterance_seconds"}, errors)) return;
    http::Endpoint::validate(c, errors, false);
    cfg::expect_string(c, "model", errors);
    cfg::expect_string(c, "language", errors);
    cfg::expect_string(c, "prompt", errors);
    cfg::expect_integer(c, "max_utterance_seconds", errors, 1, 600);
  }

  std::unique_ptr<sdk::SttStream> open(const sdk::SttOptions &options, sdk::SttSink sink,
                                       sdk::CancelToken cancel) override {
    // "en-US" -> "en": the API takes ISO-639-1.
    std::string language = options.language.empty() ? language_ : options.language;
    language = language.substr(0, language.find_first_of("-_"));
    const auto rate = options.sample_rate;
    auto make = [this, language, rate](const std::int16_t *samples, std::size_t count) {
      http::Request r = endpoint_.request("audio/transcriptions");
      if (!endpoint_.api_key.empty()) r.headers.push_back({"Authorization", "Bearer " + endpoint_.api_key});
      r.parts.push_back({"file", switchboard::sdk::wav_file(samples, count, rate), "utterance.wav", "audio/wav"});
      r.parts.push_back({"model", model_, "", ""});
      r.parts.push_back({"response_format", "json", "", ""});
      if (!language.empty()) r.parts.push_back({"language", language, "", ""});
      if (!prompt_.empty()) r.parts.push_back({"prompt", prompt_, "", ""});
      return r;
    };
    auto read = [](std::string_view body, sdk::SttSink &out) -> sdk::Outcome {
      const auto answer = nlohmann::json::parse(body, nullptr, false);
      if (!answer.is_object() || !answer.contains("text") || !answer["text"].is_string()) {
        return {sdk::Status::retryable, "the transcription answer has no text", 0};
      }
      std::string text = answer["text"].get<std::string>();
      while (!text.empty() && text.front() == ' ') text.erase(text.begin());
      out.final_text(text, 1.0F);
      return {};
    };
    return std::make_unique<http::UploadStream>(client_, static_cast<std::size_t>(max_seconds_) * rate, make, read,
                                                std::move(sink), cancel);
  }

 private:
  http::Endpoint endpoint_;
  std::shared_ptr<http::Client> client_;
  std::string model_;
  std::string language_;
  std::string prompt_;
  int max_seconds_;
};

SWITCHBOARD_PLUGIN(OpenAiStt, "stt-openai", "1.0.0",
                   "Transcription over the OpenAI API and compatible whisper servers (Groq, faster-whisper)")
