#include "voxtral_socket.hpp"

#include <cstdio>

#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace voxtral {

namespace server = switchboard::server;
namespace sdk = switchboard::sdk;

namespace {

// "0.150s", as the API writes a duration.
std::string seconds(double s) {
  char out[32];
  std::snprintf(out, sizeof out, "%.3fs", s < 0 ? 0.0 : s);
  return out;
}

std::string seconds_1(double s) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1fs", s);
  return out;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One turn's answer as it comes: its speech, and whether any was lost.
struct Answer {
  std::mutex mutex;
  std::vector<std::int16_t> samples;
  std::string unspoken;
  std::string heard;  // a spoken message's words
  bool speaking = false;
};

}  // namespace

VoxtralSocket::VoxtralSocket(SocketContext &context, std::string session_id, server::Identity who, bool status_updates,
                             std::function<void()> released)
    : context_(context),
      session_id_(std::move(session_id)),
      who_(std::move(who)),
      status_updates_(status_updates),
      client_(std::move(released)) {}

VoxtralSocket::~VoxtralSocket() {
  closed();
}

void VoxtralSocket::bind(server::SocketHandlers &handlers, server::OnOpen &on_open) {
  auto self = shared_from_this();  // held by the handlers until the socket closes
  on_open = [self](std::shared_ptr<server::Socket> socket) { self->opened(std::move(socket)); };
  handlers.on_text = [self](std::string_view m) { self->text(m); };
  handlers.on_binary = [self](std::string_view) {
    self->error("Binary messages are not supported: send JSON with base64 audio");
    self->client_.close(1003, "unsupported data");
  };
  handlers.on_close = [self] { self->closed(); };
}

void VoxtralSocket::opened(std::shared_ptr<server::Socket> socket) {
  client_.opened(std::move(socket));
  nlohmann::json welcome = {{"type", "system"},
                            {"message", "🎤 Connected! Ready to assist you with voice or text."},
                            {"session_id", session_id_},
                            {"available_voices", context_.voices.list()}};
  if (who_.role == server::Role::none) welcome["auth_required"] = true;
  send(welcome);
}

void VoxtralSocket::closed() {
  client_.closed();
}

void VoxtralSocket::send(const nlohmann::json &m) {
  client_.send(m);
}

void VoxtralSocket::error(const std::string &message) {
  send({{"type", "error"}, {"message", message}});
}

void VoxtralSocket::status(const char *message) {
  if (status_updates_) send({{"type", "status"}, {"message", message}});
}

void VoxtralSocket::text(std::string_view raw) {
  const auto m = nlohmann::json::parse(raw, nullptr, false);
  if (!m.is_object()) return error("Invalid JSON message");
  const auto type_it = m.find("type");
  const std::string type = type_it != m.end() && type_it->is_string() ? type_it->get<std::string>() : "";
  if (type == "auth") return authenticate(m);
  if (who_.role == server::Role::none) {
    return error(R"(Authentication required: send {"type": "auth", "api_key": "..."} first)");
  }
  if (type == "status") return status_response();
  if (type != "audio" && type != "text") return error("Unknown message type: " + type);

  const auto voice_it = m.find("voice");
  if (voice_it != m.end() && !voice_it->is_string()) return error("'voice' must be a string");
  const std::string asked = voice_it != m.end() ? voice_it->get<std::string>() : "";
  bool known = true;
  const std::string voice = context_.voices.resolve(asked, known);
  server::TurnInput in;
  in.speak = true;
  in.voice = voice;
  if (type == "text") {
    const auto t = m.find("text");
    if (t == m.end() || !t->is_string()) return error("'text' must be a string");
    if (t->get_ref<const std::string &>().find_first_not_of(" \t\r\n") == std::string::npos) {
      return error("Empty text message");
    }
    in.text = t->get<std::string>();
  } else {
    const auto a = m.find("audio");
    if (a == m.end() || !a->is_string()) return error("Audio validation failed: 'audio' must be a base64 string");
    auto bytes = sdk::base64_decode(a->get_ref<const std::string &>());
    if (!bytes) return error("Audio validation failed: the audio is not valid base64");
    if (bytes->empty()) return error("Audio validation failed: no audio data");
    if (bytes->size() > context_.max_audio_bytes) {
      return error("Audio validation failed: Audio too large: " + std::to_string(bytes->size()) + " bytes > " +
                   std::to_string(context_.max_audio_bytes) + " bytes");
    }
    in.audio = std::move(*bytes);
  }
  turn(std::move(in), voice, known, asked);
}

void VoxtralSocket::authenticate(const nlohmann::json &m) {
  const auto key = m.find("api_key");
  // Auth off, or the upgrade carried a key already.
  if (who_.role != server::Role::none) return send({{"type", "system"}, {"message", "Already authenticated"}});
  const auto who = context_.authenticate(key != m.end() && key->is_string() ? key->get<std::string>() : "");
  if (who.role == server::Role::none) {
    error("Invalid API key");
    client_.close(1008, "invalid API key");
    return;
  }
  who_ = who;
  send({{"type", "system"}, {"message", "Authenticated"}});
}

void VoxtralSocket::status_response() {
  const double connected = std::chrono::duration<double>(std::chrono::steady_clock::now() - connected_).count();
  send({{"type", "status_response"},
        {"session_data",
         {{"session_id", session_id_},
          {"connected_duration", seconds_1(connected)},
          {"total_requests", requests_.load()},
          {"total_audio_generated", seconds_1(static_cast<double>(audio_generated_ms_.load()) / 1000.0)}}},
        {"server_status", context_.server_status()},
        {"timestamp", unix_now()}});
}

void VoxtralSocket::turn(server::TurnInput in, const std::string &voice, bool voice_known, const std::string &asked) {
  ++requests_;
  status(in.audio.empty() ? "processing_text" : "processing_audio");
  auto answer = std::make_shared<Answer>();
  std::weak_ptr<VoxtralSocket> weak = weak_from_this();
  const std::uint32_t rate = context_.sample_rate;
  server::TurnOutput out;
  out.samples = [weak, answer](std::vector<std::int16_t> samples) {
    bool first = false;
    {
      std::lock_guard lock(answer->mutex);
      first = !std::exchange(answer->speaking, true);
      answer->samples.insert(answer->samples.end(), samples.begin(), samples.end());
    }
    if (auto s = weak.lock(); s && first) s->status("generating_speech");
  };
  out.heard = [answer](const std::string &words) {
    std::lock_guard lock(answer->mutex);
    answer->heard = words;
  };
  out.unspoken = [answer](const std::string &message) {
    std::lock_guard lock(answer->mutex);
    answer->unspoken = message;
  };
  out.done = [weak, answer, voice, voice_known, asked, rate](const nlohmann::json &complete) {
    auto s = weak.lock();
    if (!s) return;
    const auto t = complete.value("timings", nlohmann::json::object());
    const double transcript_ms = std::max(0.0, t.value("transcript_ms", 0.0));
    const double processing = (transcript_ms + std::max(0.0, t.value("llm_ms", 0.0))) / 1000.0;
    const std::string text = complete.value("assistant_text", "");
    std::vector<std::int16_t> samples;
    std::string unspoken, heard;
    {
      std::lock_guard lock(answer->mutex);
      samples.swap(answer->samples);
      unspoken = answer->unspoken;
      heard = answer->heard;
    }
    if (samples.empty()) {
      // The document's own fallback: every tts provider failed, the turn
      // still answers in text.
      nlohmann::json r = {{"type", "text_response"},
                          {"text", text},
                          {"processing_time", seconds(processing)},
                          {"note", "TTS generation failed, text response only"}};
      if (!heard.empty()) r["transcript"] = heard;
      s->send(r);
    } else {
      const auto ms = static_cast<std::uint64_t>(samples.size() * 1000 / rate);
      s->audio_generated_ms_ += ms;
      s->context_.counters.audio_generated_ms += ms;
      nlohmann::json r = {{"type", "audio_response"},
                          {"text", text},
                          {"audio", sdk::base64_encode(sdk::wav_file(samples.data(), samples.size(), rate))},
                          {"voice", voice},
                          {"processing_time", seconds(processing)},
                          {"tts_time", seconds(t.value("tts_ms", 0.0) / 1000.0)},
                          {"total_time", seconds(t.value("total_ms", 0.0) / 1000.0)}};
      if (!heard.empty()) r["transcript"] = heard;  // beyond the document: what was heard
      s->send(r);
      if (!unspoken.empty()) s->send({{"type", "warning"}, {"message", "Part of the answer could not be spoken"}});
    }
    if (!voice_known) {
      s->send({{"type", "warning"}, {"message", "Unknown voice '" + asked + "': answered in '" + voice + "'"}});
    }
    s->status("ready");
  };
  out.failed = [weak](int status, const std::string &message) {
    auto s = weak.lock();
    if (!s) return;
    const std::string invalid = "Invalid audio: ";
    if (status == 400 && message.rfind(invalid, 0) == 0) {
      s->error("Audio validation failed: " + message.substr(invalid.size()));
    } else if (status == 422) {
      s->error("No speech detected in the audio");
    } else if (status == 404) {
      s->error("Session not found");
    } else {
      s->error("Processing failed: " + message);
    }
    s->status("ready");
  };
  client_.turns().run(context_.turns, session_id_, who_, std::move(in), std::move(out));
}

}  // namespace voxtral
