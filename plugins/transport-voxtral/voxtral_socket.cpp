#include "voxtral_socket.hpp"

#include "client_message.hpp"

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
  auto m = decode_client_message(raw, context_.max_audio_bytes);
  using Kind = ClientMessage::Kind;
  if (m.kind == Kind::refused) return error(m.problem);
  if (m.kind == Kind::auth) return authenticate(m.api_key);
  if (who_.role == server::Role::none) {
    return error(R"(Authentication required: send {"type": "auth", "api_key": "..."} first)");
  }
  if (m.kind == Kind::status) return status_response();
  if (!m.problem.empty()) return error(m.problem);
  bool known = true;
  const std::string voice = context_.voices.resolve(m.voice, known);
  server::TurnInput in;
  in.speak = true;
  in.voice = voice;
  in.text = std::move(m.text);
  in.audio = std::move(m.audio);
  turn(std::move(in), voice, known, m.voice);
}

void VoxtralSocket::authenticate(const std::string &key) {
  // Auth off, or the upgrade carried a key already.
  if (who_.role != server::Role::none) return send({{"type", "system"}, {"message", "Already authenticated"}});
  const auto who = context_.authenticate(key);
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
