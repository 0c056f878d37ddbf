#include "core/deadline_wheel.hpp"

namespace switchboard::core {

DeadlineWheel::Entry::~Entry() {
  if (wheel_ != nullptr) wheel_->disarm(*this);
}

DeadlineWheel::DeadlineWheel(Clock &clock, Duration tick, std::size_t slots)
    : clock_(clock), tick_(tick), slots_(slots, nullptr), cursor_(clock.now()) {}

DeadlineWheel::~DeadlineWheel() {
  std::lock_guard lock(mutex_);
  if (ticker_) ticker_->cancel();
  for (Entry *head : slots_) {
    for (Entry *e = head; e != nullptr; e = e->next_) e->wheel_ = nullptr;
  }
}

std::size_t DeadlineWheel::slot_of(TimePoint at) const {
  return static_cast<std::size_t>(at.time_since_epoch() / tick_) % slots_.size();
}

void DeadlineWheel::link(Entry &e) {
  // A deadline already behind the cursor goes in the next slot to be read.
  e.slot_ = slot_of(e.at_ < cursor_ ? cursor_ : e.at_);
  Entry *&head = slots_[e.slot_];
  e.prev_ = nullptr;
  e.next_ = head;
  if (head != nullptr) head->prev_ = &e;
  head = &e;
  e.wheel_ = this;
  ++count_;
}

void DeadlineWheel::unlink(Entry &e) {
  if (e.prev_ != nullptr) {
    e.prev_->next_ = e.next_;
  } else {
    slots_[e.slot_] = e.next_;
  }
  if (e.next_ != nullptr) e.next_->prev_ = e.prev_;
  e.prev_ = e.next_ = nullptr;
  e.wheel_ = nullptr;
  --count_;
}

void DeadlineWheel::arm(Entry &entry, TimePoint at) {
  std::lock_guard lock(mutex_);
  if (entry.wheel_ != nullptr) unlink(entry);
  entry.at_ = at;
  link(entry);
  ensure_ticking();
}

void DeadlineWheel::disarm(Entry &entry) {
  std::lock_guard lock(mutex_);
  if (entry.wheel_ == this) unlink(entry);
}

std::size_t DeadlineWheel::armed() const {
  std::lock_guard lock(mutex_);
  return count_;
}

void DeadlineWheel::ensure_ticking() {
  if (ticking_ || count_ == 0) return;
  ticking_ = true;
  const auto now = clock_.now();
  if (cursor_ < now - tick_ * static_cast<long>(slots_.size())) cursor_ = now - tick_;  // idle for long
  ticker_ = clock_.schedule(tick_, [this](bool fired) {
    if (fired) tick();
  });
}

void DeadlineWheel::tick() {
  Entry *due = nullptr;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_.now();
    // Read every slot between the cursor and now (a full turn at most).
    std::size_t steps = 0;
    while (cursor_ <= now && steps++ < slots_.size()) {
      Entry *e = slots_[slot_of(cursor_)];
      while (e != nullptr) {
        Entry *next = e->next_;
        if (e->at_ <= now) {
          unlink(*e);
          if (e->pin()) {
            e->due_next_ = due;
            due = e;
          }
        }
        e = next;
      }
      cursor_ += tick_;
    }
    if (cursor_ <= now) cursor_ = now;
    ticking_ = false;
    ensure_ticking();
  }
  while (due != nullptr) {
    Entry *next = due->due_next_;
    due->due_next_ = nullptr;
    due->on_deadline();
    due->unpin();  // may destroy the entry
    due = next;
  }
}

}  // namespace switchboard::core
