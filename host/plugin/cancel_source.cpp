#include "plugin/cancel_source.hpp"

#include <algorithm>

namespace switchboard::plugin {

CancelSource::CancelSource() {
  token_.struct_size = sizeof token_;
  token_.ctx = this;
  token_.is_cancelled = &CancelSource::is_cancelled;
  token_.subscribe = &CancelSource::subscribe;
  token_.unsubscribe = &CancelSource::unsubscribe;
}

void CancelSource::cancel() {
  std::unique_lock lock(mutex_);
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) {
    return;
  }
  canceller_ = std::this_thread::get_id();
  while (!subscribers_.empty()) {
    const Subscriber s = subscribers_.front();
    subscribers_.erase(subscribers_.begin());
    running_id_ = s.id;
    lock.unlock();
    s.fn(s.user);
    lock.lock();
    running_id_ = 0;
    idle_.notify_all();
  }
}

bool CancelSource::is_cancelled(void *ctx) {
  return static_cast<CancelSource *>(ctx)->cancelled();
}

std::uint64_t CancelSource::subscribe(void *ctx, void (*fn)(void *), void *user) {
  auto *self = static_cast<CancelSource *>(ctx);
  std::unique_lock lock(self->mutex_);
  const std::uint64_t id = self->next_id_++;
  if (self->cancelled()) {
    lock.unlock();
    fn(user);
    return id;
  }
  self->subscribers_.push_back({id, fn, user});
  return id;
}

void CancelSource::unsubscribe(void *ctx, std::uint64_t id) {
  auto *self = static_cast<CancelSource *>(ctx);
  std::unique_lock lock(self->mutex_);
  auto &subs = self->subscribers_;
  subs.erase(std::remove_if(subs.begin(), subs.end(), [id](const Subscriber &s) { return s.id == id; }), subs.end());
  // Wait out a call of this very subscriber on another thread.
  self->idle_.wait(lock, [&] { return self->running_id_ != id || self->canceller_ == std::this_thread::get_id(); });
}

}  // namespace switchboard::plugin
