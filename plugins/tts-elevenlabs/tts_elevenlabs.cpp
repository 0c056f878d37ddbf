// tts-elevenlabs: ElevenLabs' POST /v1/text-to-speech/{voice_id}/stream with
// output_format=pcm_<rate>, passed on chunk by chunk as it streams.
//
// config (plus the connection settings of switchboard/http/endpoint.hpp):
//   api_key: ${env:ELEVENLABS_API_KEY}    required
//   voice: JBFqnCBsd6RMkjVDRZzb           required: a voice id
//   model: eleven_flash_v2_5
//   sample_rate: 24000                    8000, 16000, 22050, 24000, 44100 or 48000
//   voice_settings: {stability: 0.5, similarity_boost: 0.75}
#include <memory>

#include "switchboard/http/client.hpp"
#include "switchboard/http/endpoint.hpp"
#include "switchboard/http/speech_call.hpp"
#include "switchboard/http/url.hpp"
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;
namespace http = switchboard::http;

class ElevenLabsTts : public sdk::Tts {
 public:
  explicit ElevenLabsTts(sdk::Host &host)
      : endpoint_(http::Endpoint::from(host.config(), "https://api.elevenlabs.io")), client_(http::Client::shared()) {
    const auto &c = host.config();
    voice_ = c.value("voice", "");
    model_ = c.value("model", "eleven_flash_v2_5");
    rate_ = c.value("sample_rate", 24000U);
    settings_ = c.value("voice_settings", nlohmann::json());
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!http::Endpoint::allow_only(c, {"voice", "model", "sample_rate", "voice_settings"}, errors)) return;
    http::Endpoint::validate(c, errors, true);
    cfg::expect_string(c, "voice", errors, true);
    cfg::expect_string(c, "model", errors);
    http::expect_pcm_rate(c, "sample_rate", errors);
    if (c.contains("voice_settings") && !c["voice_settings"].is_object()) {
      errors.add("/voice_settings", "'voice_settings' must be a mapping");
    }
  }

  std::vector<sdk::Voice> voices() override { return {{voice_, "", "", "", rate_}}; }

  void synthesize(const sdk::TtsRequest &request, sdk::TtsSink sink, sdk::CancelToken cancel) override {
    nlohmann::json body = {{"text", request.text}, {"model_id", model_}};
    if (!settings_.is_null()) body["voice_settings"] = settings_;
    const std::string voice = request.voice.empty() ? voice_ : request.voice;
    http::Request r = endpoint_.request("v1/text-to-speech/" + http::encode_component(voice) + "/stream" +
                                        http::query_string({{"output_format", "pcm_" + std::to_string(rate_)}}));
    r.headers.push_back({"xi-api-key", endpoint_.api_key});
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = body.dump();
    http::stream_speech(*client_, std::move(r), http::AudioBody::pcm_s16le, rate_, std::move(sink), cancel);
  }

 private:
  http::Endpoint endpoint_;
  std::shared_ptr<http::Client> client_;
  std::string voice_;
  std::string model_;
  std::uint32_t rate_;
  nlohmann::json settings_;
};

SWITCHBOARD_PLUGIN(ElevenLabsTts, "tts-elevenlabs", "1.0.0", "Speech from ElevenLabs, PCM streamed")
