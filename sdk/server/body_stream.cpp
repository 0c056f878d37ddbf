#include "body_stream.hpp"

#include <boost/asio/post.hpp>

namespace switchboard::server {

void LateAnswer::on_abandoned(std::function<void()> f) {
  std::unique_lock lock(mutex_);
  if (done_) return;
  if (!abandoned_) {
    on_abandoned_ = std::move(f);
    return;
  }
  lock.unlock();
  if (f) f();
}

void LateAnswer::abandon(const std::shared_ptr<LateAnswer> &self) {
  std::function<void()> f;
  {
    std::lock_guard lock(mutex_);
    if (abandoned_ || done_) return;
    abandoned_ = true;
    f.swap(on_abandoned_);
  }
  notify(self);
  if (f) f();
}

// The coroutine checks for work and starts waiting without leaving the
// strand, so a wake-up posted there cannot fall between the two.
void LateAnswer::notify(const std::shared_ptr<LateAnswer> &self) {
  boost::asio::post(strand_, [self] { self->wake_.cancel(); });
}

bool BodyStream::write(std::string chunk) {
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    if (ended_ || abandoned_locked()) return false;
    if (queued_ + chunk.size() > max_queue_bytes_) {
      overflow = true;  // the client reads too slowly
    } else {
      queued_ += chunk.size();
      chunks_.push_back(std::move(chunk));
    }
  }
  if (overflow) {
    abandon(shared_from_this());
    return false;
  }
  notify(shared_from_this());
  return true;
}

void BodyStream::end() {
  std::function<void()> dropped;
  {
    std::lock_guard lock(mutex_);
    if (ended_ || abandoned_locked()) return;
    ended_ = true;
    dropped = complete_locked();
  }
  notify(shared_from_this());
}

bool BodyStream::open() const {
  std::lock_guard lock(mutex_);
  return !ended_ && !abandoned_locked();
}

BodyStream::Taken BodyStream::take() {
  std::lock_guard lock(mutex_);
  Taken out;
  out.chunks.swap(chunks_);
  queued_ = 0;
  out.abandoned = abandoned_locked();
  out.over = out.abandoned || ended_;
  return out;
}

void LateReply::send(Response response) {
  std::function<void()> dropped;
  {
    std::lock_guard lock(mutex_);
    if (response_ || abandoned_locked()) return;
    response_ = std::move(response);
    dropped = complete_locked();
  }
  notify(shared_from_this());
}

std::optional<Response> LateReply::take() {
  std::lock_guard lock(mutex_);
  return std::move(response_);
}

}  // namespace switchboard::server
