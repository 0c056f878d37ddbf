// Deepgram's /v1/listen: prerecorded (POST a file or raw audio) and live
// (WebSocket: binary audio in, Results out; KeepAlive, Finalize and
// CloseStream control messages), as its reference documents them.
#include <sstream>

#include <boost/beast/websocket.hpp>

#include "upstream/server.hpp"

namespace switchboard::upstream {

namespace ws = beast::websocket;

ErrorBody deepgram_errors() {
  return [](int status, const std::string &message) {
    const char *code = status == 401 ? "INVALID_AUTH" : status == 429 ? "TOO_MANY_REQUESTS" : "Bad Request";
    return nlohmann::json{{"err_code", code}, {"err_msg", message}, {"request_id", "00000000-upstream"}};
  };
}

namespace {

bool authorized(Exchange &x) {
  const std::string auth = header(x.request, "Authorization");
  return x.authorized(auth, "Token") || x.authorized(auth, "Bearer");
}

// A problem with the query the real service would refuse, or empty.
std::string query_problem(const std::map<std::string, std::string> &q, const Script &s) {
  static const std::vector<std::string> encodings = {"linear16", "linear32", "flac",     "alaw",  "mulaw", "amr-nb",
                                                     "amr-wb",   "opus",     "ogg-opus", "speex", "g729"};
  if (q.count("model") && std::find(s.models.begin(), s.models.end(), q.at("model")) == s.models.end()) {
    return "Bad Request: No such model/language/tier combination found.";
  }
  if (q.count("encoding")) {
    if (std::find(encodings.begin(), encodings.end(), q.at("encoding")) == encodings.end()) {
      return "Bad Request: Invalid encoding " + q.at("encoding");
    }
    if (!q.count("sample_rate")) return "Bad Request: sample_rate is required when encoding is specified";
  }
  return {};
}

// Answers what the service refuses (key, query); true when the request may go on.
awaitable<bool> admitted(Exchange &x, const Script &s, const std::map<std::string, std::string> &q) {
  if (!authorized(x)) {
    co_await x.error(401, refused_key_message("Invalid credentials", header(x.request, "Authorization")));
    co_return false;
  }
  if (const auto problem = query_problem(q, s); !problem.empty()) {
    co_await x.error(400, problem);
    co_return false;
  }
  co_return true;
}

std::vector<std::string> words_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string first_words(const std::vector<std::string> &words, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < std::min(n, words.size()); ++i) out += (i ? " " : "") + words[i];
  return out;
}

nlohmann::json results(const std::string &transcript, bool is_final, bool from_finalize, double start,
                       double duration) {
  return {
      {"type", "Results"},
      {"channel_index", {0, 1}},
      {"duration", duration},
      {"start", start},
      {"is_final", is_final},
      {"speech_final", is_final},
      {"from_finalize", from_finalize},
      {"channel",
       {{"alternatives", {{{"transcript", transcript}, {"confidence", 0.98}, {"words", nlohmann::json::array()}}}}}},
      {"metadata", {{"request_id", "00000000-upstream"}}}};
}

}  // namespace

awaitable<void> deepgram_prerecorded(Exchange &x) {
  const Script s = x.upstream.script_copy();
  const auto q = query_of(x.request.target());
  if (!co_await admitted(x, s, q)) co_return;
  const std::string &audio = x.request.body();
  long samples = -1;
  std::uint32_t rate = 0;
  bool silent = true;
  if (q.count("encoding")) {
    if (q.at("encoding") == "linear16" && audio.size() % 2 == 0 && !audio.empty()) {
      rate = static_cast<std::uint32_t>(std::stoul(q.at("sample_rate")));
      samples = static_cast<long>(audio.size() / 2);
      silent = silent_pcm(audio);
    }
  } else {
    samples = wav_samples(audio, rate, silent);
  }
  x.upstream.record("deepgram", x.request,
                    nlohmann::json{{"samples", samples}, {"sample_rate", rate}, {"query", nlohmann::json(q)}});
  if (samples <= 0) {
    co_await x.error(400, "Bad Request: failed to process audio: corrupt or unsupported data");
    co_return;
  }
  const double duration = static_cast<double>(samples) / rate;
  const nlohmann::json answer = {
      {"metadata", {{"request_id", "00000000-upstream"}, {"duration", duration}, {"channels", 1}}},
      {"results",
       {{"channels",
         {{{"alternatives",
            {{{"transcript", silent ? "" : s.transcript},
              {"confidence", 0.98},
              {"words", nlohmann::json::array()}}}}}}}}}};
  co_await x.json(http::status::ok, answer);
}

awaitable<void> deepgram_live(Exchange &x) {
  const Script s = x.upstream.script_copy();
  const auto q = query_of(x.request.target());
  if (!co_await admitted(x, s, q)) co_return;
  x.upstream.record("deepgram-live", x.request, nlohmann::json{{"query", nlohmann::json(q)}});
  ws::stream<beast::tcp_stream> socket(std::move(x.stream));
  x.upgraded = true;
  const std::optional<Fault> fault = x.fault;
  const bool interim = q.count("interim_results") && q.at("interim_results") == "true";
  const std::uint32_t rate =
      q.count("sample_rate") ? static_cast<std::uint32_t>(std::stoul(q.at("sample_rate"))) : 16000;
  const std::size_t interim_every =
      std::max<std::size_t>(1, rate * static_cast<std::size_t>(s.interim_every_ms) / 1000);
  const auto words = words_of(s.transcript);
  std::size_t samples = 0;
  std::size_t segment_start = 0;
  std::size_t next_interim = interim_every;
  std::size_t interims = 0;
  int sent = 0;
  bool heard = false;
  bool silent = false;  // a stall: reading on, answering nothing
  bool reset = false;

  auto send = [&](const nlohmann::json &message) -> awaitable<bool> {
    if (silent) co_return true;
    if (fault && sent == fault->after_chunks) {
      if (fault->kind == FaultKind::stall) {
        silent = true;
        co_return true;
      }
      if (fault->kind == FaultKind::reset || fault->kind == FaultKind::truncate) {
        reset = true;
        co_return false;
      }
      if (fault->kind == FaultKind::malformed) {
        socket.text(true);
        static const std::string broken = "{\"type\": \"Results\", \"channel\": ";
        co_await socket.async_write(asio::buffer(broken), use_awaitable);
      }
    }
    ++sent;
    socket.text(true);
    const std::string text = message.dump();
    co_await socket.async_write(asio::buffer(text), use_awaitable);
    co_return true;
  };
  auto final_result = [&](bool from_finalize) {
    const double start = static_cast<double>(segment_start) / rate;
    const double duration = static_cast<double>(samples - segment_start) / rate;
    segment_start = samples;
    interims = 0;
    return results(heard ? s.transcript : "", true, from_finalize, start, duration);
  };

  try {
    co_await socket.async_accept(x.request, use_awaitable);
    beast::flat_buffer buffer;
    for (;;) {
      co_await socket.async_read(buffer, use_awaitable);
      const auto data = buffer.data();
      const std::string_view bytes(static_cast<const char *>(data.data()), data.size());
      if (!socket.got_text()) {
        samples += bytes.size() / 2;
        heard = heard || !silent_pcm(bytes);
        if (interim && heard && samples >= next_interim) {
          next_interim = samples + interim_every;
          ++interims;
          const double start = static_cast<double>(segment_start) / rate;
          const nlohmann::json partial = results(first_words(words, interims), false, false, start,
                                                 static_cast<double>(samples - segment_start) / rate);
          if (!co_await send(partial)) break;
        }
      } else {
        const auto message = nlohmann::json::parse(bytes, nullptr, false);
        const std::string type = message.is_object() ? message.value("type", "") : "";
        if (type == "Finalize") {
          const nlohmann::json settled = final_result(true);
          if (!co_await send(settled)) break;
        } else if (type == "CloseStream") {
          if (silent) continue;  // a stalled server does not answer
          const nlohmann::json settled = final_result(false);
          if (!co_await send(settled)) break;
          const nlohmann::json metadata = {{"type", "Metadata"},
                                           {"request_id", "00000000-upstream"},
                                           {"duration", static_cast<double>(samples) / rate},
                                           {"channels", 1}};
          if (!co_await send(metadata)) break;
          if (silent) continue;  // stalled on the way: no close either
          co_await socket.async_close(ws::close_code::normal, use_awaitable);
          break;
        } else if (type != "KeepAlive") {
          const ws::close_reason reason(ws::close_code::policy_error, "unknown control message");
          co_await socket.async_close(reason, use_awaitable);
          break;
        }
      }
      buffer.consume(buffer.size());
    }
  } catch (const std::exception &) {
    // The client went away.
  }
  beast::error_code ignored;
  auto &tcp = beast::get_lowest_layer(socket).socket();
  if (reset) tcp.set_option(asio::socket_base::linger(true, 0), ignored);
  tcp.close(ignored);
  x.upstream.connection_closed();
}

}  // namespace switchboard::upstream
