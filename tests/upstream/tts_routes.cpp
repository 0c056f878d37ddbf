// Cartesia's POST /tts/bytes and ElevenLabs' POST
// /v1/text-to-speech/{voice_id}/stream, as their references document them.
#include "upstream/server.hpp"

namespace switchboard::upstream {

namespace {

const std::vector<int> kRates = {8000, 16000, 22050, 24000, 44100, 48000};

bool known_rate(int rate) {
  return std::find(kRates.begin(), kRates.end(), rate) != kRates.end();
}

}  // namespace

ErrorBody cartesia_errors() {
  return [](int, const std::string &message) { return nlohmann::json{{"error", message}}; };
}

ErrorBody elevenlabs_errors() {
  return [](int status, const std::string &message) {
    const char *code = status == 401   ? "invalid_api_key"
                       : status == 429 ? "too_many_concurrent_requests"
                       : status == 404 ? "voice_not_found"
                                       : "error";
    return nlohmann::json{{"detail", {{"status", code}, {"message", message}}}};
  };
}

awaitable<void> cartesia_bytes(Exchange &x) {
  const Script s = x.upstream.script_copy();
  const std::string key = header(x.request, "X-API-Key");
  if (!(x.authorized(key, "") || x.authorized(header(x.request, "Authorization"), "Bearer"))) {
    co_await x.error(401, refused_key_message("Invalid API key", key));
    co_return;
  }
  if (header(x.request, "Cartesia-Version").empty()) {
    co_await x.error(400, "Cartesia-Version header is required");
    co_return;
  }
  const auto body = nlohmann::json::parse(x.request.body(), nullptr, false);
  x.upstream.record("cartesia", x.request, body);
  std::string problem;
  if (!body.is_object()) {
    problem = "invalid JSON body";
  } else if (!body.contains("model_id") || !body["model_id"].is_string()) {
    problem = "model_id is required";
  } else if (!body.contains("transcript") || !body["transcript"].is_string() ||
             body["transcript"].get<std::string>().empty()) {
    problem = "transcript is required";
  } else if (!body.contains("voice") || !body["voice"].is_object() || body["voice"].value("mode", "") != "id" ||
             !body["voice"].contains("id") || !body["voice"]["id"].is_string()) {
    problem = "voice must be {\"mode\": \"id\", \"id\": ...}";
  } else if (!body.contains("output_format") || !body["output_format"].is_object()) {
    problem = "output_format is required";
  } else {
    const auto &f = body["output_format"];
    const std::string container = f.value("container", "");
    const std::string encoding = f.value("encoding", "");
    if (container != "raw" && container != "wav" && container != "mp3") {
      problem = "output_format.container must be one of raw, wav, mp3";
    } else if (container != "mp3" && encoding != "pcm_s16le" && encoding != "pcm_f32le" && encoding != "pcm_mulaw" &&
               encoding != "pcm_alaw") {
      problem = "output_format.encoding must be one of pcm_f32le, pcm_s16le, pcm_mulaw, pcm_alaw";
    } else if (!f.contains("sample_rate") || !f["sample_rate"].is_number_integer() ||
               !known_rate(f["sample_rate"].get<int>())) {
      problem = "output_format.sample_rate must be one of 8000, 16000, 22050, 24000, 44100, 48000";
    } else if (container != "raw" || encoding != "pcm_s16le") {
      problem = "this local upstream produces raw pcm_s16le only";
    }
  }
  if (!problem.empty()) {
    co_await x.error(400, problem);
    co_return;
  }
  if (std::find(s.models.begin(), s.models.end(), body["model_id"].get<std::string>()) == s.models.end()) {
    co_await x.error(400, "Invalid model_id");
    co_return;
  }
  if (body["voice"]["id"] == s.missing_voice) {
    co_await x.error(404, "Voice not found");
    co_return;
  }
  const auto rate = body["output_format"]["sample_rate"].get<std::uint32_t>();
  const std::size_t samples = body["transcript"].get<std::string>().size() * rate * s.speech_ms_per_char / 1000;
  co_await stream_tone(x, s, samples, rate, "audio/pcm");
}

awaitable<void> elevenlabs_stream(Exchange &x, const std::string &voice_id) {
  const Script s = x.upstream.script_copy();
  if (!x.authorized(header(x.request, "xi-api-key"), "")) {
    co_await x.error(401, refused_key_message("Invalid API key", header(x.request, "xi-api-key")));
    co_return;
  }
  const auto query = query_of(x.request.target());
  const std::string format = query.count("output_format") ? query.at("output_format") : "mp3_44100_128";
  const auto body = nlohmann::json::parse(x.request.body(), nullptr, false);
  x.upstream.record("elevenlabs", x.request, body);
  if (!body.is_object() || !body.contains("text") || !body["text"].is_string()) {
    const nlohmann::json missing = {
        {"detail", {{{"loc", {"body", "text"}}, {"msg", "field required"}, {"type", "value_error.missing"}}}}};
    co_await x.json(http::status::unprocessable_entity, missing);
    co_return;
  }
  if (voice_id.empty() || voice_id == s.missing_voice) {
    {
      const std::string message = "A voice with the voice_id " + voice_id + " was not found.";
      co_await x.error(404, message);
    }
    co_return;
  }
  const std::string model = body.value("model_id", "eleven_multilingual_v2");
  if (model != "eleven_multilingual_v2" && std::find(s.models.begin(), s.models.end(), model) == s.models.end()) {
    {
      const std::string message = "A model with model ID " + model + " does not exist.";
      co_await x.error(400, message);
    }
    co_return;
  }
  int rate = 0;
  if (format.rfind("pcm_", 0) == 0) rate = std::atoi(format.c_str() + 4);
  if (!known_rate(rate)) {
    {
      const std::string message = "this local upstream produces output_format pcm_<rate> only, not " + format;
      co_await x.error(400, message);
    }
    co_return;
  }
  const std::size_t samples =
      body["text"].get<std::string>().size() * static_cast<std::size_t>(rate) * s.speech_ms_per_char / 1000;
  co_await stream_tone(x, s, samples, static_cast<std::uint32_t>(rate), "audio/pcm");
}

}  // namespace switchboard::upstream
