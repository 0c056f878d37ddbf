#include "switchboard/server/live_session.hpp"

#include <cstddef>
#include <utility>

#include "attach.hpp"

namespace switchboard::server {

LiveSession::LiveSession(const sb_sessions_ext &sessions, LiveHandlers handlers)
    : sessions_(sessions), handlers_(std::move(handlers)) {
  events_.struct_size = sizeof events_;
  events_.user = this;
  events_.on_event = &LiveSession::on_event;
  events_.on_audio = &LiveSession::on_audio;
  events_.on_replaced = &LiveSession::on_replaced;
}

std::unique_ptr<LiveSession> LiveSession::open(const sb_sessions_ext &sessions, const std::string &session_id,
                                               const Identity &who, LiveHandlers handlers, std::string &error) {
  std::unique_ptr<LiveSession> live(new LiveSession(sessions, std::move(handlers)));
  std::string id;
  void *attachment = detail::attach_session(sessions, session_id, who, &live->events_, id, error);
  if (attachment == nullptr) return nullptr;
  std::lock_guard lock(live->mutex_);
  live->attachment_ = attachment;
  live->session_id_ = std::move(id);
  return live;
}

LiveSession::~LiveSession() {
  close();
}

bool LiveSession::push(std::string_view bytes, std::uint32_t declared_rate, std::string &error) {
  std::lock_guard lock(mutex_);
  if (attachment_ == nullptr) {
    error = "the session is closed";
    return false;
  }
  sb_error err{sizeof(sb_error), 0, {}};
  if (sessions_.push_audio(attachment_, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(),
                           declared_rate, &err) != SB_OK) {
    error = err.message;
    return false;
  }
  return true;
}

void LiveSession::end_audio() {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) sessions_.end_audio(attachment_);
}

void LiveSession::say(const std::string &text, bool speak) {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) sessions_.send_text(attachment_, text.c_str(), speak);
}

void LiveSession::set_voice(const std::string &voice) {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) detail::set_voice(sessions_, attachment_, voice);
}

void LiveSession::interrupt() {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) sessions_.interrupt(attachment_);
}

std::uint64_t LiveSession::dropped_samples() {
  std::lock_guard lock(mutex_);
  if (attachment_ == nullptr || sessions_.struct_size <= offsetof(sb_sessions_ext, dropped_samples)) return 0;
  return sessions_.dropped_samples(attachment_);
}

void LiveSession::close() {
  void *attachment = nullptr;
  {
    std::lock_guard lock(mutex_);
    std::swap(attachment, attachment_);
    if (attachment != nullptr) sessions_.end_audio(attachment);
  }
  if (attachment != nullptr) sessions_.detach(attachment);  // outside the lock: a handler may be running
}

void LiveSession::on_event(void *user, const char *json, std::size_t size) {
  const auto &handler = static_cast<LiveSession *>(user)->handlers_.event;
  if (!handler) return;
  const auto e = nlohmann::json::parse(std::string_view(json, size), nullptr, false);
  if (e.is_object()) handler(e);
}

void LiveSession::on_audio(void *user, const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  const auto &handler = static_cast<LiveSession *>(user)->handlers_.audio;
  if (handler) handler(samples, count, rate);
}

void LiveSession::on_replaced(void *user) {
  const auto &handler = static_cast<LiveSession *>(user)->handlers_.replaced;
  if (handler) handler();
}

}  // namespace switchboard::server
