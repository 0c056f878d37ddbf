#include "conversation_socket.hpp"

#include "conversation_message.hpp"

#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/speech_out.hpp"

namespace conversational {

namespace server = switchboard::server;
namespace sdk = switchboard::sdk;

ConversationSocket::ConversationSocket(const sb_sessions_ext &sessions, SocketSettings settings,
                                       std::string connection_id, server::Identity who, std::function<void()> released)
    : sessions_(sessions),
      settings_(settings),
      connection_id_(std::move(connection_id)),
      who_(std::move(who)),
      released_(std::move(released)) {}

ConversationSocket::~ConversationSocket() {
  closed();
}

void ConversationSocket::bind(server::SocketHandlers &handlers, server::OnOpen &on_open) {
  auto self = shared_from_this();  // held by the handlers until the socket closes
  on_open = [self](std::shared_ptr<server::Socket> socket) { self->opened(std::move(socket)); };
  handlers.on_text = [self](std::string_view m) { self->text(m); };
  // Beyond the document: a binary frame is one audio chunk's bytes (what a
  // MediaRecorder hands out), without the base64.
  handlers.on_binary = [self](std::string_view bytes) {
    if (!self->live_) return self->error("NO_SESSION", "No active conversation session");
    self->audio(bytes);
  };
  handlers.on_close = [self] { self->closed(); };
}

void ConversationSocket::opened(std::shared_ptr<server::Socket> socket) {
  socket_ = std::move(socket);
  send({{"type", "connection_established"},
        {"connection_id", connection_id_},
        {"message", "Connected to Conversational AI"}});
}

void ConversationSocket::send(const nlohmann::json &message) {
  if (socket_) socket_->send_text(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void ConversationSocket::error(const char *code, const std::string &message) {
  send({{"type", "error"}, {"code", code}, {"message", message}});
}

void ConversationSocket::closed() {
  live_.reset();  // detached: no session handler runs after this
  if (auto released = std::exchange(released_, nullptr)) released();
}

void ConversationSocket::text(std::string_view raw) {
  const auto m = decode_conversation_message(raw);
  switch (m.kind) {
    case ConversationMessage::Kind::start:
      return start();
    case ConversationMessage::Kind::end:
      return end();
    case ConversationMessage::Kind::refused:
      return error(m.code.c_str(), m.message);
    case ConversationMessage::Kind::audio:
      if (!live_) return error("NO_SESSION", "No active conversation session");
      if (!m.message.empty()) return error("PROCESSING_ERROR", "Audio processing error: " + m.message);
      return audio(m.audio);
  }
}

void ConversationSocket::audio(std::string_view bytes) {
  if (bytes.empty()) return;
  if (bytes.size() > settings_.max_audio_bytes) {
    return error("PROCESSING_ERROR", "Audio processing error: audio_data is larger than " +
                                         std::to_string(settings_.max_audio_bytes) + " bytes");
  }
  std::string why;
  if (!live_->push(bytes, settings_.sample_rate, why)) error("PROCESSING_ERROR", "Audio processing error: " + why);
}

// A second start while a conversation is on answers with the same one: a
// client that repeats itself loses nothing.
void ConversationSocket::start() {
  if (!live_) {
    const auto unix_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string id = "session_";
    id.append(connection_id_).append("_").append(std::to_string(unix_seconds));
    if (++conversations_ > 1) id.append("_").append(std::to_string(conversations_));  // a new one within a second
    server::LiveHandlers handlers;
    handlers.event = [this](const nlohmann::json &e) { event(e); };
    handlers.audio = [this](const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
      speech(samples, count, rate);
    };
    std::string why;
    transcripts_ = 0;
    responses_ = 0;
    answer_.clear();
    live_ = server::LiveSession::open(sessions_, id, who_, std::move(handlers), why);
    if (!live_) return error("PROCESSING_ERROR", "Audio processing error: cannot start a conversation: " + why);
    started_ = std::chrono::steady_clock::now();
  }
  send({{"type", "conversation_started"}, {"session_id", live_->session_id()}, {"message", "Ready to listen"}});
}

void ConversationSocket::end() {
  if (!live_) return error("NO_SESSION", "No active conversation session");
  const std::string id = live_->session_id();
  live_.reset();  // an answer still being made is not sent
  nlohmann::json ended = {
      {"type", "conversation_ended"},
      {"message", "Conversation ended"},
      {"session_id", id},
      {"duration_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()},
      {"transcripts", transcripts_.load()},
      {"responses", responses_.load()}};
  server::SinkText view;
  server::ExtError f;
  if (sessions_.get(sessions_.ctx, id.c_str(), view.sink(), &f.error) == SB_OK) {
    const auto session = nlohmann::json::parse(view.value, nullptr, false);
    if (session.is_object() && session.contains("stats")) ended["stats"] = session["stats"];
  }
  send(ended);
}

// The session's events as the API's messages: transcripts as they are
// heard, one ai_response per answer.
void ConversationSocket::event(const nlohmann::json &e) {
  const std::string type = e.value("type", "");
  if (type == "transcript") {
    const std::string text = e.value("text", "");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
    // A final transcript with words is where the engine ends the user's
    // turn and starts its answer.
    const bool final = e.value("is_final", false);
    if (final) ++transcripts_;
    send({{"type", "transcript"}, {"text", text}, {"is_final", final}, {"turn_detected", final}});
  } else if (type == "interrupt_ack") {
    answer_.clear();  // barge-in: the answer cut off is never sent
  } else if (type == "turn_complete") {
    std::vector<std::int16_t> spoken;
    spoken.swap(answer_);
    const std::string text = e.value("assistant_text", "");
    if (e.value("interrupted", false) || text.empty()) return;
    ++responses_;
    send({{"type", "ai_response"},
          {"text", text},
          {"audio_data",
           spoken.empty() ? std::string()
                          : sdk::base64_encode(sdk::wav_file(spoken.data(), spoken.size(), settings_.sample_rate))}});
  } else if (type == "error") {
    const std::string code = e.value("code", "");
    if (code == "empty_message") return;
    error("PROCESSING_ERROR", "Audio processing error: " + e.value("message", code));
  }
}

void ConversationSocket::speech(const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  const auto at_rate = server::resampled(samples, count, rate, settings_.sample_rate);
  answer_.insert(answer_.end(), at_rate.begin(), at_rate.end());
}

}  // namespace conversational
