// POST /v1/audio/transcriptions (multipart upload; OpenAI, Groq, whisper
// servers) and POST /v1/audio/speech (OpenAI), as documented.
#include "upstream/server.hpp"

namespace switchboard::upstream {

namespace {

bool known(const std::vector<std::string> &list, const std::string &item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

const std::vector<std::string> kUploadTypes = {"flac", "m4a", "mp3", "mp4", "mpeg",
                                               "mpga", "oga", "ogg", "wav", "webm"};

}  // namespace

awaitable<void> openai_transcriptions(Exchange &x) {
  const Script s = x.upstream.script_copy();
  if (!x.authorized(header(x.request, "Authorization"), "Bearer")) {
    co_await x.error(401, refused_key_message("Incorrect API key provided", header(x.request, "Authorization")));
    co_return;
  }
  const std::string type = header(x.request, "Content-Type");
  std::vector<FormPart> parts;
  if (!parse_multipart(type, x.request.body(), parts)) {
    {
      const std::string message = "Invalid Content-Type header (" + type + "), expected multipart/form-data.";
      co_await x.error(400, message);
    }
    co_return;
  }
  std::map<std::string, FormPart> fields;
  for (auto &p : parts) fields[p.name] = std::move(p);
  if (!fields.count("model")) {
    co_await x.error(400, "you must provide a model parameter");
    co_return;
  }
  if (!known(s.models, fields["model"].data)) {
    {
      const std::string message =
          "The model `" + fields["model"].data + "` does not exist or you do not have access to it.";
      co_await x.error(404, message);
    }
    co_return;
  }
  if (!fields.count("file") || fields["file"].filename.empty()) {
    co_await x.error(400, "Missing required parameter: 'file'.");
    co_return;
  }
  const auto &file = fields["file"];
  const auto dot = file.filename.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : file.filename.substr(dot + 1);
  std::uint32_t rate = 0;
  bool silent = true;
  const long samples = ext == "wav" ? wav_samples(file.data, rate, silent) : -1;
  x.upstream.record("transcriptions", x.request,
                    nlohmann::json{{"model", fields["model"].data},
                                   {"filename", file.filename},
                                   {"samples", samples},
                                   {"sample_rate", rate},
                                   {"language", fields.count("language") ? fields["language"].data : ""}});
  if (!known(kUploadTypes, ext) || (ext == "wav" && samples < 0)) {
    {
      const std::string message =
          "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', "
          "'oga', 'ogg', 'wav', 'webm']";
      co_await x.error(400, message);
    }
    co_return;
  }
  if (ext != "wav") {
    co_await x.error(400, "this local upstream decodes wav uploads only");
    co_return;
  }
  const std::string text = silent ? "" : s.transcript;
  const std::string format = fields.count("response_format") ? fields["response_format"].data : "json";
  if (format == "text") {
    http::response<http::string_body> res{http::status::ok, x.request.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = text + "\n";
    res.keep_alive(x.keep_alive);
    res.prepare_payload();
    co_await http::async_write(x.stream, res, use_awaitable);
  } else if (format == "verbose_json") {
    const nlohmann::json answer = {{"task", "transcribe"},
                                   {"language", "english"},
                                   {"duration", static_cast<double>(samples) / rate},
                                   {"text", text},
                                   {"segments", nlohmann::json::array()}};
    co_await x.json(http::status::ok, answer);
  } else if (format == "json") {
    const nlohmann::json answer = {{"text", text}};
    co_await x.json(http::status::ok, answer);
  } else {
    {
      const std::string message = "Invalid value for 'response_format': " + format;
      co_await x.error(400, message);
    }
  }
}

awaitable<void> openai_speech(Exchange &x) {
  const Script s = x.upstream.script_copy();
  if (!x.authorized(header(x.request, "Authorization"), "Bearer")) {
    co_await x.error(401, refused_key_message("Incorrect API key provided", header(x.request, "Authorization")));
    co_return;
  }
  const auto body = nlohmann::json::parse(x.request.body(), nullptr, false);
  x.upstream.record("speech", x.request, body);
  static const std::vector<std::string> voices = {"alloy", "ash",  "ballad", "coral",   "echo", "fable",
                                                  "onyx",  "nova", "sage",   "shimmer", "verse"};
  static const std::vector<std::string> formats = {"mp3", "opus", "aac", "flac", "wav", "pcm"};
  std::string problem;
  if (!body.is_object()) {
    problem = "We could not parse the JSON body of your request.";
  } else if (!body.contains("model") || !body["model"].is_string()) {
    problem = "you must provide a model parameter";
  } else if (!body.contains("input") || !body["input"].is_string()) {
    problem = "Missing required parameter: 'input'.";
  } else if (body["input"].get<std::string>().empty() || body["input"].get<std::string>().size() > 4096) {
    problem = "Invalid 'input': string must be between 1 and 4096 characters.";
  } else if (!body.contains("voice") || !body["voice"].is_string() || !known(voices, body["voice"])) {
    problem =
        "Invalid value for 'voice'. Supported values are: 'alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', "
        "'onyx', 'nova', 'sage', 'shimmer' and 'verse'.";
  } else if (body.contains("response_format") && !known(formats, body.value("response_format", ""))) {
    problem = "Invalid value for 'response_format'.";
  } else if (body.contains("speed") &&
             (!body["speed"].is_number() || body["speed"].get<double>() < 0.25 || body["speed"].get<double>() > 4.0)) {
    problem = "Invalid 'speed': expected a value between 0.25 and 4.0.";
  }
  if (!problem.empty()) {
    co_await x.error(400, problem);
    co_return;
  }
  if (!known(s.models, body["model"])) {
    {
      const std::string message = "The model `" + body["model"].get<std::string>() + "` does not exist.";
      co_await x.error(404, message);
    }
    co_return;
  }
  const std::string format = body.value("response_format", "mp3");
  if (format != "pcm" && format != "wav") {
    co_await x.error(400, "this local upstream produces pcm and wav only");
    co_return;
  }
  constexpr std::uint32_t rate = 24000;  // OpenAI's pcm: 24 kHz, s16le, mono
  const std::size_t samples = body["input"].get<std::string>().size() * rate * s.speech_ms_per_char / 1000;
  const std::string content_type = format == "pcm" ? "audio/pcm" : "audio/wav";
  const std::string prefix = format == "wav" ? wav_header(rate, 0xFFFFFFFF) : std::string();
  co_await stream_tone(x, s, samples, rate, content_type, prefix);
}

}  // namespace switchboard::upstream
