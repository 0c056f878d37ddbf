#include "chat_socket.hpp"

#include <mutex>

#include "chat_message.hpp"
#include "chat_routes.hpp"
#include "errors.hpp"
#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"

namespace youworker {

namespace server = switchboard::server;
namespace sdk = switchboard::sdk;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

ChatSocket::ChatSocket(SocketContext &context, std::string session_id, server::Identity who,
                       std::function<bool()> allow, std::function<void()> released)
    : context_(context),
      session_id_(std::move(session_id)),
      who_(std::move(who)),
      allow_(std::move(allow)),
      client_(std::move(released)) {}

void ChatSocket::bind(server::SocketHandlers &handlers, server::OnOpen &on_open) {
  auto self = shared_from_this();  // held by the handlers until the socket closes
  on_open = [self](std::shared_ptr<server::Socket> socket) {
    self->client_.opened(std::move(socket));
    self->send("system", "Connected to chat session", {{"session_id", self->session_id_}});
  };
  handlers.on_text = [self](std::string_view m) { self->text(m); };
  handlers.on_binary = [self](std::string_view) {
    self->send("error", "Binary messages are not supported: send JSON");
  };
  handlers.on_close = [self] { self->client_.closed(); };
}

void ChatSocket::send(const std::string &type, const nlohmann::json &content, nlohmann::json metadata) {
  nlohmann::json m = {{"type", type}};
  if (!content.is_null()) m["content"] = content;
  if (!metadata.is_null()) m["metadata"] = std::move(metadata);
  m["timestamp"] = iso8601(now());
  client_.send(m);
}

void ChatSocket::text(std::string_view raw) {
  if (allow_ && !allow_()) return send("error", "Rate limit exceeded: 1000 messages a minute");
  auto m = decode_chat_message(raw, context_.max_audio_bytes);
  switch (m.kind) {
    case ChatMessage::Kind::refused:
      return send("error", m.content);
    case ChatMessage::Kind::ping:
      return send("pong", nullptr);
    case ChatMessage::Kind::stop:
      client_.turns().stop_running();
      return send("status", "Stopped", {{"stage", "stopped"}});
    case ChatMessage::Kind::text:
    case ChatMessage::Kind::audio:
      break;
  }
  server::TurnInput in;
  in.text = std::move(m.content);
  in.audio = std::move(m.audio);
  if (!in.audio.empty()) in.declared_rate = m.sample_rate;
  in.speak = m.expect_audio;
  in.options = answer_options(context_.chat, m.model, m.enable_tools);
  turn(std::move(in));
}

void ChatSocket::turn(server::TurnInput in) {
  std::weak_ptr<ChatSocket> weak = weak_from_this();
  struct Speech {
    std::mutex mutex;
    std::vector<std::int16_t> samples;
  };
  auto speech = std::make_shared<Speech>();
  const std::uint32_t rate = context_.sample_rate;
  const std::string language = context_.language;
  send("status", "Thinking...", {{"stage", in.audio.empty() ? "thinking" : "transcribing"}});
  server::TurnOutput out;
  out.transcript = [weak, language](const nlohmann::json &t) {
    if (auto s = weak.lock()) {
      s->send("transcript", t.value("text", ""), {{"confidence", t.value("confidence", 0.0)}, {"language", language}});
    }
  };
  out.text = [weak](const std::string &delta) {
    if (auto s = weak.lock(); s && !delta.empty()) s->send("text", delta, {{"is_streaming", true}});
  };
  out.tool = [weak](const nlohmann::json &e) {
    if (auto s = weak.lock()) {
      auto event = tool_event(e);
      const std::string name = event["tool"];
      event.erase("tool");
      s->send("tool", name, std::move(event));
    }
  };
  if (in.speak) {
    out.samples = [speech](std::vector<std::int16_t> samples) {
      std::lock_guard lock(speech->mutex);
      speech->samples.insert(speech->samples.end(), samples.begin(), samples.end());
    };
  }
  out.done = [weak, speech, rate](const nlohmann::json &complete) {
    auto s = weak.lock();
    if (!s) return;
    s->send("text", complete.value("assistant_text", ""), {{"is_final", true}});
    std::vector<std::int16_t> samples;
    {
      std::lock_guard lock(speech->mutex);
      samples.swap(speech->samples);
    }
    if (!samples.empty()) {
      nlohmann::json m = {{"type", "audio"},
                          {"audio_data", sdk::base64_encode(sdk::wav_file(samples.data(), samples.size(), rate))},
                          {"sample_rate", rate},
                          {"metadata", {{"is_final", true}}},
                          {"timestamp", iso8601(now())}};
      s->client_.send(m);
    }
  };
  out.failed = [weak](int, const std::string &message) {
    if (auto s = weak.lock()) s->send("error", message);
  };
  context_.chat.ledger.watch(out, who_, session_id_);
  client_.turns().run(context_.chat.turns, session_id_, who_, std::move(in), std::move(out));
}

}  // namespace youworker
