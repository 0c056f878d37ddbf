// tts-cartesia: Cartesia's POST /tts/bytes with raw pcm_s16le output,
// streamed back chunk by chunk as Sonic produces it.
//
// config (plus the connection settings of switchboard/http/endpoint.hpp):
//   api_key: ${env:CARTESIA_API_KEY}      required
//   voice: 694f9389-aac1-45b6-b726-9d9369183238   required: a voice id
//   model: sonic-2
//   sample_rate: 24000                    8000, 16000, 22050, 24000, 44100 or 48000
//   language: en
//   version: "2024-06-10"                 the Cartesia-Version header
#include <memory>

#include "switchboard/http/client.hpp"
#include "switchboard/http/endpoint.hpp"
#include "switchboard/http/speech_call.hpp"
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;
namespace http = switchboard::http;

class CartesiaTts : public sdk::Tts {
 public:
  explicit CartesiaTts(sdk::Host &host)
      : endpoint_(http::Endpoint::from(host.config(), "https://api.cartesia.ai")), client_(http::Client::shared()) {
    const auto &c = host.config();
    voice_ = c.value("voice", "");
    model_ = c.value("model", "sonic-2");
    rate_ = c.value("sample_rate", 24000U);
    language_ = c.value("language", "en");
    version_ = c.value("version", "2024-06-10");
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!http::Endpoint::allow_only(c, {"voice", "model", "sample_rate", "language", "version"}, errors)) return;
    http::Endpoint::validate(c, errors, true);
    cfg::expect_string(c, "voice", errors, true);
    cfg::expect_string(c, "model", errors);
    cfg::expect_string(c, "language", errors);
    cfg::expect_string(c, "version", errors);
    http::expect_pcm_rate(c, "sample_rate", errors);
  }

  std::vector<sdk::Voice> voices() override { return {{voice_, "", language_, "", rate_}}; }

  void synthesize(const sdk::TtsRequest &request, sdk::TtsSink sink, sdk::CancelToken cancel) override {
    const nlohmann::json body = {
        {"model_id", model_},
        {"transcript", request.text},
        {"voice", {{"mode", "id"}, {"id", request.voice.empty() ? voice_ : request.voice}}},
        {"output_format", {{"container", "raw"}, {"encoding", "pcm_s16le"}, {"sample_rate", rate_}}},
        {"language", language_}};
    http::Request r = endpoint_.request("tts/bytes");
    r.headers.push_back({"X-API-Key", endpoint_.api_key});
    r.headers.push_back({"Cartesia-Version", version_});
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
  std::string language_;
  std::string version_;
};

SWITCHBOARD_PLUGIN(CartesiaTts, "tts-cartesia", "1.0.0", "Speech from Cartesia Sonic, raw PCM streamed")
