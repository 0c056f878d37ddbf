#include "switchboard/server/session_turn.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <utility>

#include "attach.hpp"

namespace switchboard::server {

bool valid_session_id(const std::string &id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

bool may_see(const Identity &who, const std::string &owner) {
  return who.role == Role::admin || (!who.subject.empty() && who.subject == owner);
}

SessionTurn::SessionTurn(const sb_sessions_ext &sessions, TurnHandlers handlers)
    : sessions_(sessions), handlers_(std::move(handlers)) {
  events_.struct_size = sizeof events_;
  events_.user = this;
  events_.on_event = &SessionTurn::on_event;
  events_.on_audio = &SessionTurn::on_audio;
  events_.on_replaced = &SessionTurn::on_replaced;
}

std::shared_ptr<SessionTurn> SessionTurn::open(const sb_sessions_ext &sessions, const std::string &session_id,
                                               const Identity &who, TurnHandlers handlers, std::string &error) {
  std::shared_ptr<SessionTurn> turn(new SessionTurn(sessions, std::move(handlers)));
  std::string id;
  void *attachment = detail::attach_session(sessions, session_id, who, &turn->events_, id, error);
  if (attachment == nullptr) return nullptr;
  std::lock_guard lock(turn->mutex_);
  turn->attachment_ = attachment;
  turn->session_id_ = std::move(id);
  return turn;
}

SessionTurn::~SessionTurn() {
  cancel();
}

void SessionTurn::set_voice(const std::string &voice) {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) detail::set_voice(sessions_, attachment_, voice);
}

bool SessionTurn::configure(const nlohmann::json &options, std::string &error) {
  std::lock_guard lock(mutex_);
  if (attachment_ == nullptr) {
    error = "the turn is over";
    return false;
  }
  return detail::configure(sessions_, attachment_, options.dump(), error);
}

void SessionTurn::say(const std::string &text, bool speak) {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) sessions_.send_text(attachment_, text.c_str(), speak);
}

bool SessionTurn::hear(std::string_view bytes, std::uint32_t declared_rate, std::string &error) {
  std::lock_guard lock(mutex_);
  if (attachment_ == nullptr) {
    error = "the turn is over";
    return false;
  }
  listening_for_audio_ = true;
  sb_error err{sizeof(sb_error), 0, {}};
  if (sessions_.push_audio(attachment_, reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(),
                           declared_rate, &err) != SB_OK) {
    error = err.message;
    return false;
  }
  sessions_.end_audio(attachment_);
  return true;
}

void SessionTurn::interrupt() {
  std::lock_guard lock(mutex_);
  if (attachment_ != nullptr) sessions_.interrupt(attachment_);
}

void SessionTurn::cancel() {
  void *attachment = nullptr;
  {
    std::lock_guard lock(mutex_);
    std::swap(attachment, attachment_);
  }
  if (attachment != nullptr) sessions_.detach(attachment);
}

void SessionTurn::finish() {
  over_ = true;
  cancel();
}

// Each callback holds the turn while it runs: a handler may drop the last
// other reference to it.
void SessionTurn::on_event(void *user, const char *json, std::size_t size) {
  const auto self = static_cast<SessionTurn *>(user)->weak_from_this().lock();
  if (!self || self->over_) return;
  const auto e = nlohmann::json::parse(std::string_view(json, size), nullptr, false);
  if (e.is_object()) self->event(e);
}

void SessionTurn::on_audio(void *user, const std::int16_t *samples, std::size_t count, std::uint32_t rate) {
  const auto self = static_cast<SessionTurn *>(user)->weak_from_this().lock();
  if (self && !self->over_ && self->handlers_.audio) self->handlers_.audio(samples, count, rate);
}

void SessionTurn::on_replaced(void *user) {
  const auto self = static_cast<SessionTurn *>(user)->weak_from_this().lock();
  if (!self || self->over_) return;
  self->over_ = true;
  if (self->handlers_.failed) self->handlers_.failed("replaced", "another client took the session");
}

void SessionTurn::event(const nlohmann::json &e) {
  const std::string type = e.value("type", "");
  if (type == "transcript") {
    if (e.value("is_final", false) && listening_for_audio_) {
      heard_words_ = true;
      if (handlers_.heard) handlers_.heard(e.value("text", ""));
      if (handlers_.transcript) handlers_.transcript(e);
    }
  } else if (type == "text") {
    if (handlers_.text) handlers_.text(e.value("text", ""));
  } else if (type == "tool") {
    if (handlers_.tool) handlers_.tool(e);
  } else if (type == "turn_complete") {
    finish();
    if (handlers_.done) handlers_.done(e);
  } else if (type == "error") {
    // A failure of speech mid-answer (tts_failed) leaves the text coming:
    // only what ends the turn ends it.
    const std::string code = e.value("code", "");
    if (code == "tts_failed") {
      if (handlers_.unspoken) handlers_.unspoken(e.value("message", ""));
      return;
    }
    finish();
    if (handlers_.failed) handlers_.failed(code, e.value("message", ""));
  } else if (type == "audio_done") {
    if (!e.value("heard", false) && !heard_words_) {
      finish();
      if (handlers_.failed) handlers_.failed("nothing_heard", "no words were heard in the audio");
    }
  }
}

TurnLine::TurnLine() : worker_([this] { work(); }) {}

TurnLine::~TurnLine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void TurnLine::run(const std::string &session_id, std::function<void(std::function<void()> over)> job) {
  {
    std::lock_guard lock(mutex_);
    auto &line = lines_[session_id];
    line.push_back(std::move(job));
    if (line.size() > 1) return;  // its place comes when the one before is over
    ready_.push_back(session_id);
  }
  wake_.notify_one();
}

void TurnLine::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    if (stopping_) return;
    const std::string session_id = std::move(ready_.front());
    ready_.pop_front();
    Job job = lines_[session_id].front();
    lock.unlock();
    auto over = [this, session_id, called = std::make_shared<std::atomic<bool>>(false)] {
      if (called->exchange(true)) return;
      Job finished;  // dropped outside the lock: it may hold the turn
      {
        std::lock_guard relock(mutex_);
        auto &line = lines_[session_id];
        finished = std::move(line.front());
        line.pop_front();
        if (line.empty()) {
          lines_.erase(session_id);
        } else {
          ready_.push_back(session_id);
        }
      }
      wake_.notify_one();
    };
    try {
      job(over);
    } catch (const std::exception &) {
      over();
    }
    job = nullptr;  // what it holds goes before the lock is taken again
    lock.lock();
  }
}

}  // namespace switchboard::server
