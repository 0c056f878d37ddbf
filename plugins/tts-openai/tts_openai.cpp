// tts-openai: POST {base_url}/audio/speech, the speech streamed back as raw
// 24 kHz PCM (or WAV) and passed on chunk by chunk. Also serves compatible
// local servers (e.g. openedai-speech, Kokoro-FastAPI).
//
// config (plus the connection settings of switchboard/http/endpoint.hpp):
//   model: gpt-4o-mini-tts     default tts-1
//   voice: alloy               default voice for calls that name none
//   response_format: pcm       pcm (24 kHz s16le) or wav
//   speed: 1.0                 0.25 to 4
//   instructions: "Speak warmly."   for models that take them
#include <memory>

#include "switchboard/http/client.hpp"
#include "switchboard/http/endpoint.hpp"
#include "switchboard/http/speech_call.hpp"
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;
namespace http = switchboard::http;

class OpenAiTts : public sdk::Tts {
 public:
  explicit OpenAiTts(sdk::Host &host)
      : endpoint_(http::Endpoint::from(host.config(), "https://api.openai.com/v1")), client_(http::Client::shared()) {
    const auto &c = host.config();
    model_ = c.value("model", "tts-1");
    voice_ = c.value("voice", "alloy");
    format_ = c.value("response_format", "pcm");
    if (c.contains("speed")) speed_ = c["speed"].get<double>();
    instructions_ = c.value("instructions", "");
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!http::Endpoint::allow_only(c, {"model", "voice", "response_format", "speed", "instructions"}, errors)) return;
    http::Endpoint::validate(c, errors, false);
    cfg::expect_string(c, "model", errors);
    cfg::expect_string(c, "voice", errors);
    cfg::expect_string(c, "instructions", errors);
    cfg::expect_number(c, "speed", errors, 0.25, 4.0);
    if (c.contains("response_format") && c["response_format"] != "pcm" && c["response_format"] != "wav") {
      errors.add("/response_format", "'response_format' must be pcm or wav");
    }
  }

  std::vector<sdk::Voice> voices() override {
    std::vector<sdk::Voice> out;
    for (const char *id :
         {"alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer", "verse"}) {
      out.push_back({id, id, "en", "", kRate});
    }
    return out;
  }

  void synthesize(const sdk::TtsRequest &request, sdk::TtsSink sink, sdk::CancelToken cancel) override {
    nlohmann::json body = {{"model", model_},
                           {"input", request.text},
                           {"voice", request.voice.empty() ? voice_ : request.voice},
                           {"response_format", format_}};
    if (speed_) body["speed"] = *speed_;
    if (!instructions_.empty()) body["instructions"] = instructions_;
    for (const auto &[key, value] : request.options.items()) body[key] = value;
    http::Request r = endpoint_.request("audio/speech");
    if (!endpoint_.api_key.empty()) r.headers.push_back({"Authorization", "Bearer " + endpoint_.api_key});
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = body.dump();
    http::stream_speech(*client_, std::move(r), format_ == "wav" ? http::AudioBody::wav : http::AudioBody::pcm_s16le,
                        kRate, std::move(sink), cancel);
  }

 private:
  static constexpr std::uint32_t kRate = 24000;  // the API's pcm format
  http::Endpoint endpoint_;
  std::shared_ptr<http::Client> client_;
  std::string model_;
  std::string voice_;
  std::string format_;
  std::optional<double> speed_;
  std::string instructions_;
};

SWITCHBOARD_PLUGIN(OpenAiTts, "tts-openai", "1.0.0", "Speech from the OpenAI API (and compatible servers), streamed")
