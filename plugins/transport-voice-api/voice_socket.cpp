#include "voice_socket.hpp"

#include <cmath>
#include <cstddef>

#include <nlohmann/json.hpp>

#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace voice_api {

namespace server = switchboard::server;

VoiceSocket::VoiceSocket(const HostViews &views, std::string session_id, SocketSettings settings, server::Identity who,
                         std::function<bool(const server::Identity &)> allow, std::function<void()> released)
    : views_(views),
      session_id_(std::move(session_id)),
      settings_(settings),
      who_(std::move(who)),
      allow_(std::move(allow)),
      released_(std::move(released)),
      tokens_(settings.message_burst),
      refilled_(std::chrono::steady_clock::now()) {
  events_.struct_size = sizeof events_;
  events_.user = this;
  events_.on_event = &VoiceSocket::on_event;
  events_.on_audio = &VoiceSocket::on_audio;
  events_.on_replaced = &VoiceSocket::on_replaced;
}

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
  Text id;
  Failure f;
  const bool owned = views_.sessions->struct_size > offsetof(sb_sessions_ext, attach_as);
  attachment_ = owned
                    ? views_.sessions->attach_as(views_.sessions->ctx, session_id_.c_str(), who_.subject.c_str(),
                                                 who_.role == server::Role::admin, &events_, id.sink(), &f.error)
                    : views_.sessions->attach(views_.sessions->ctx, session_id_.c_str(), &events_, id.sink(), &f.error);
  if (attachment_ == nullptr && f.message() == "owned") {
    // Made by another subject between the upgrade's check and now.
    error("Session not found", "session_not_found");
    socket_->close(1008, "session not found");
  } else if (attachment_ == nullptr) {
    error("cannot open the session: " + f.message(), "session_unavailable");
    socket_->close(1011, "session unavailable");
  }
}

void VoiceSocket::closed() {
  if (attachment_ != nullptr) {
    views_.sessions->end_audio(attachment_);
    views_.sessions->detach(attachment_);
    attachment_ = nullptr;
  }
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
  if (attachment_ == nullptr) return;
  if (!within_rate()) {
    error("Too many messages: slow down", "rate_limited");
    return;
  }
  const auto message = nlohmann::json::parse(raw, nullptr, false);
  if (message.is_discarded() || !message.is_object()) {
    error("Invalid JSON message", "bad_json");
    return;
  }
  const auto type = message.find("type");
  if (type == message.end() || !type->is_string()) {
    error("Message has no \"type\"", "bad_message");
    return;
  }
  const std::string &t = type->get_ref<const std::string &>();
  if (t == "audio") {
    const auto data = message.find("data");
    if (data == message.end() || !data->is_string()) {
      error("Audio message has no base64 \"data\"", "bad_audio");
      return;
    }
    const auto bytes = switchboard::sdk::base64_decode(data->get_ref<const std::string &>());
    if (!bytes) {
      error("Audio data is not valid base64", "bad_base64");
      return;
    }
    const bool taken = audio(*bytes);
    // Beyond the document: a client that numbers its audio messages ("seq")
    // hears when each was taken in, and how much audio the server dropped.
    if (const auto seq = message.find("seq"); taken && seq != message.end() && seq->is_number_integer()) {
      const std::uint64_t dropped = views_.sessions->struct_size > offsetof(sb_sessions_ext, dropped_samples)
                                        ? views_.sessions->dropped_samples(attachment_)
                                        : 0;
      socket_->send_text(nlohmann::json{{"type", "audio_ack"}, {"seq", *seq}, {"dropped_samples", dropped}}.dump());
    }
  } else if (t == "interrupt") {
    views_.sessions->interrupt(attachment_);
  } else if (t == "text") {
    const auto data = message.find("data");
    if (data == message.end() || !data->is_string()) {
      error("Text message has no \"data\"", "bad_message");
      return;
    }
    views_.sessions->send_text(attachment_, data->get_ref<const std::string &>().c_str(), true);
  } else if (t == "audio_end") {
    views_.sessions->end_audio(attachment_);
  } else {
    error("Unknown message type: " + t, "unknown_type");
  }
}

void VoiceSocket::binary(std::string_view bytes) {
  if (attachment_ == nullptr) return;
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
  Failure f;
  const auto status = views_.sessions->push_audio(attachment_, reinterpret_cast<const std::uint8_t *>(bytes.data()),
                                                  bytes.size(), 16000, &f.error);
  if (status != SB_OK) {
    error("Invalid audio: " + f.message(), "bad_audio");
    return false;
  }
  return true;
}

void VoiceSocket::on_event(void *user, const char *json, std::size_t size) {
  static_cast<VoiceSocket *>(user)->event(std::string_view(json, size));
}

// A later connection took the session (docs/voice-api.md): this client is
// told and closed; its audio no longer reaches the session.
void VoiceSocket::on_replaced(void *user) {
  auto *self = static_cast<VoiceSocket *>(user);
  if (!self->socket_) return;
  self->error("Another connection took this session", "session_replaced");
  self->socket_->close(4409, "session replaced");
}

void VoiceSocket::on_audio(void *user, const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  auto *self = static_cast<VoiceSocket *>(user);
  if (!self->socket_) return;
  nlohmann::json m = {{"type", "audio"}};
  if (self->settings_.output_format == "pcm16") {
    m["data"] = switchboard::sdk::base64_encode(switchboard::sdk::pcm_bytes(samples, count));
    m["format"] = "pcm16";
    m["sample_rate"] = rate;
  } else {
    m["data"] = switchboard::sdk::base64_encode(switchboard::sdk::wav_file(samples, count, rate));
  }
  self->socket_->send_text(m.dump());
}

// The session's events as the API's messages.
void VoiceSocket::event(std::string_view raw) {
  if (!socket_) return;
  const auto e = nlohmann::json::parse(raw, nullptr, false);
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
  } else {
    return;  // the answer's text chunks: the API speaks it and sends the whole at turn end
  }
  socket_->send_text(out.dump());
}

}  // namespace voice_api
