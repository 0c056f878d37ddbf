#include "voice_socket.hpp"

#include <cmath>
#include <cstddef>

#include <nlohmann/json.hpp>

#include "client_message.hpp"
#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace voice_api {

namespace server = switchboard::server;

constexpr std::size_t kKeptMessageBytes = 16 * 1024;  // 256 ms of PCM16 at 16 kHz

VoiceSocket::VoiceSocket(const HostViews &views, std::string session_id, SocketSettings settings, server::Identity who,
                         std::function<bool(const server::Identity &)> allow, std::function<void()> released)
    : views_(views),
      session_id_(std::move(session_id)),
      settings_(settings),
      who_(std::move(who)),
      allow_(std::move(allow)),
      released_(std::move(released)),
      tokens_(settings.message_burst),
      refilled_(std::chrono::steady_clock::now()) {}

VoiceSocket::~VoiceSocket() {
  closed();
  if (released_) released_();
}

void VoiceSocket::bind(server::SocketHandlers &handlers,
                       std::function<void(std::shared_ptr<server::Socket>)> &on_open) {
  auto self = shared_from_this();
  handlers.on_text = [self](std::string_view m) { self->text(m); };
  handlers.on_binary = [self](std::string_view b) { self->binary(b); };
  handlers.on_close = [self] { self->closed(); };
  on_open = [self](std::shared_ptr<server::Socket> socket) { self->opened(std::move(socket)); };
}

void VoiceSocket::opened(std::shared_ptr<server::Socket> socket) {
  socket_ = std::move(socket);
  server::LiveHandlers handlers;
  handlers.event = [this](const nlohmann::json &e) { event(e); };
  handlers.audio = [this](const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
    speech(samples, count, rate);
  };
  handlers.replaced = [this] { replaced(); };
  std::string why;
  live_ = server::LiveSession::open(*views_.sessions, session_id_, who_, std::move(handlers), why);
  if (!live_ && why == "owned") {
    // Made by another subject between the upgrade's check and now.
    error("Session not found", "session_not_found");
    socket_->close(1008, "session not found");
  } else if (!live_) {
    error("cannot open the session: " + why, "session_unavailable");
    socket_->close(1011, "session unavailable");
  }
}

// The session lets go of this socket before the socket goes (detach: no
// handler runs after it).
void VoiceSocket::closed() {
  live_.reset();
}

bool VoiceSocket::within_rate() {
  if (allow_ && !allow_(who_)) return false;
  if (settings_.messages_per_second <= 0) return true;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - refilled_).count();
  refilled_ = now;
  tokens_ = std::min(settings_.message_burst, tokens_ + elapsed * settings_.messages_per_second);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

void VoiceSocket::error(const std::string &message, const char *code) {
  if (!socket_) return;
  nlohmann::json m = {{"type", "error"}, {"message", message}};
  if (code != nullptr) m["code"] = code;
  socket_->send_text(m.dump());
}

void VoiceSocket::text(std::string_view raw) {
  if (!live_) return;
  if (!within_rate()) {
    error("Too many messages: slow down", "rate_limited");
    return;
  }
  decode_client_message(raw, message_);
  const ClientMessage &message = message_;
  switch (message.kind) {
    case ClientMessage::Kind::refused:
      error(message.error, message.code.c_str());
      break;
    case ClientMessage::Kind::audio:
      // Beyond the document: a client that numbers its audio messages ("seq")
      // hears when each was taken in, and how much audio the server dropped.
      if (audio(message.data) && message.seq) acknowledge(*message.seq);
      break;
    case ClientMessage::Kind::interrupt:
      live_->interrupt();
      break;
    case ClientMessage::Kind::text:
      live_->say(message.data, true);
      break;
    case ClientMessage::Kind::audio_end:
      live_->end_audio();
      break;
  }
  // Frames of a usual size are decoded where the last one was; the memory
  // of an unusually large one is given back.
  if (message_.data.capacity() > kKeptMessageBytes) message_.data = std::string();
}

// {"type": "audio_ack", "seq": N, "dropped_samples": M}, written without a
// JSON document: one allocation, the string the socket queues.
void VoiceSocket::acknowledge(std::int64_t seq) {
  const std::string number = std::to_string(seq);
  const std::string dropped = std::to_string(live_->dropped_samples());
  std::string ack;
  ack.reserve(64);
  ack.append(R"({"type":"audio_ack","seq":)")
      .append(number)
      .append(R"(,"dropped_samples":)")
      .append(dropped)
      .append("}");
  socket_->send_text(std::move(ack));
}

void VoiceSocket::binary(std::string_view bytes) {
  if (!live_) return;
  if (!within_rate()) {
    error("Too many messages: slow down", "rate_limited");
    return;
  }
  audio(bytes);
}

bool VoiceSocket::audio(std::string_view bytes) {
  if (settings_.max_audio_bytes > 0 && bytes.size() > settings_.max_audio_bytes) {
    error("Audio message too large: " + std::to_string(bytes.size()) + " bytes (at most " +
              std::to_string(settings_.max_audio_bytes) + ")",
          "audio_too_large");
    return false;
  }
  std::string why;
  if (!live_->push(bytes, 16000, why)) {
    error("Invalid audio: " + why, "bad_audio");
    return false;
  }
  return true;
}

// A later connection took the session (docs/voice-api.md): this client is
// told and closed; its audio no longer reaches the session.
void VoiceSocket::replaced() {
  error("Another connection took this session", "session_replaced");
  socket_->close(4409, "session replaced");
}

void VoiceSocket::speech(const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  nlohmann::json m = {{"type", "audio"}};
  if (settings_.output_format == "pcm16") {
    m["data"] = switchboard::sdk::base64_encode(switchboard::sdk::pcm_bytes(samples, count));
    m["format"] = "pcm16";
    m["sample_rate"] = rate;
  } else {
    m["data"] = switchboard::sdk::base64_encode(switchboard::sdk::wav_file(samples, count, rate));
  }
  socket_->send_text(m.dump());
}

// The session's events as the API's messages.
void VoiceSocket::event(const nlohmann::json &e) {
  const std::string type = e.value("type", "");
  nlohmann::json out;
  if (type == "state") {
    out = {{"type", "state_change"}, {"state", e["to"]}};
  } else if (type == "transcript") {
    out = {{"type", "transcript_update"},
           {"data",
            {{"id", e["id"]},
             {"speaker", "user"},
             {"text", e["text"]},
             {"timestamp", e["timestamp"]},
             {"is_final", e["is_final"]}}}};
  } else if (type == "turn_complete") {
    if (e.value("assistant_text", "").empty()) return;
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    out = {{"type", "transcript_update"},
           {"data",
            {{"id", e["assistant_id"]},
             {"speaker", "assistant"},
             {"text", e["assistant_text"]},
             {"timestamp", now},
             {"is_final", true}}}};
  } else if (type == "vad") {
    out = {{"type", "vad_status"}, {"data", {{"is_speech", e["is_speech"]}, {"speech_ended", e["speech_ended"]}}}};
  } else if (type == "audio_metrics") {
    nlohmann::json data = e;
    data.erase("type");
    // The document's example shows 0.85, but the API's reference server and
    // its web client use 0-100 (the client draws score / 100 of a ring):
    // the clients are followed (docs/voice-api.md).
    if (data.contains("quality_score") && data["quality_score"].is_number()) {
      data["quality_score"] = std::round(data["quality_score"].get<double>() * 1000.0) / 10.0;
    }
    out = {{"type", "audio_metrics"}, {"data", data}};
  } else if (type == "speech_resumed") {
    out = {{"type", "speech_resumed"},
           {"data",
            {{"sentence", e["sentence"]}, {"remaining", e["remaining"]}, {"failed_provider", e["failed_provider"]}}}};
  } else if (type == "interrupt_ack") {
    out = {{"type", "interrupt_ack"}, {"message", "Playback stopped"}, {"reason", e["reason"]}};
  } else if (type == "error") {
    out = {{"type", "error"}, {"message", e["message"]}, {"code", e["code"]}};
  } else if (type == "text" && settings_.stream_text) {
    out = {{"type", "response_text"}, {"data", {{"turn_id", e["turn_id"]}, {"text", e["text"]}}}};
  } else {
    return;  // the answer's text chunks: the API speaks it and sends the whole at turn end
  }
  socket_->send_text(out.dump());
}

}  // namespace voice_api
