// A single-producer single-consumer ring of T, lock-free and wait-free on both
// sides: power-of-two capacity, each side caching the other's index so that
// most operations touch one shared cache line, the indices on lines of their
// own, bulk and zero-copy (two-span) access, and no allocation after
// construction. Writing more than fits drops the excess and counts an
// overrun; reading more than is there counts an underrun.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <type_traits>

namespace switchboard::audio {

template <class T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "the ring copies raw elements");

 public:
  // Up to two contiguous spans, in order: the second is used when the region
  // wraps around the end of the buffer.
  struct Regions {
    std::span<T> first;
    std::span<T> second;
    std::size_t size() const noexcept { return first.size() + second.size(); }
  };

  // Rounds the capacity up to a power of two; the only allocation.
  explicit SpscRing(std::size_t min_capacity)
      : capacity_(round_up(min_capacity)), mask_(capacity_ - 1), buffer_(new T[capacity_]) {}

  SpscRing(const SpscRing &) = delete;
  SpscRing &operator=(const SpscRing &) = delete;

  std::size_t capacity() const noexcept { return capacity_; }

  // ---- producer side: one thread ----

  // Copies up to n elements in; returns how many went in. What does not fit
  // is dropped and counted as an overrun.
  std::size_t write(const T *data, std::size_t n) noexcept {
    if (n == 1) return push(*data) ? 1 : 0;
    Regions r = write_regions(n);
    copy_in(r.first, data);
    copy_in(r.second, data + r.first.size());
    const std::size_t written = r.size();
    commit_write(written);
    if (written < n) bump(overruns_, n - written);
    return written;
  }

  // One element; false (and an overrun counted) when full.
  bool push(const T &value) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head - cached_tail_ == capacity_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ == capacity_) {
        bump(overruns_, 1);
        return false;
      }
    }
    buffer_[head & mask_] = value;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Room for up to n elements, without copying: fill them, then commit.
  Regions write_regions(std::size_t n) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    std::size_t free = capacity_ - (head - cached_tail_);
    if (free < n) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      free = capacity_ - (head - cached_tail_);
    }
    return regions_at(head, n < free ? n : free);
  }

  void commit_write(std::size_t n) noexcept {
    head_.store(head_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }

  // ---- consumer side: one thread ----

  // Copies up to n elements out; returns how many. Asking for more than is
  // there counts an underrun.
  std::size_t read(T *out, std::size_t n) noexcept {
    if (n == 1) return pop(*out) ? 1 : 0;
    Regions r = read_regions(n);
    copy_out(r.first, out);
    copy_out(r.second, out + r.first.size());
    const std::size_t got = r.size();
    commit_read(got);
    if (got < n) bump(underruns_, 1);
    return got;
  }

  // One element; false (and an underrun counted) when empty.
  bool pop(T &out) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (cached_head_ == tail) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (cached_head_ == tail) {
        bump(underruns_, 1);
        return false;
      }
    }
    out = buffer_[tail & mask_];
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Up to n readable elements, without copying: use them, then commit.
  Regions read_regions(std::size_t n) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    std::size_t available = cached_head_ - tail;
    if (available < n) {
      cached_head_ = head_.load(std::memory_order_acquire);
      available = cached_head_ - tail;
    }
    return regions_at(tail, n < available ? n : available);
  }

  void commit_read(std::size_t n) noexcept {
    tail_.store(tail_.load(std::memory_order_relaxed) + n, std::memory_order_release);
  }

  // ---- either side ----

  // Exact for the side that calls it about its own work; a snapshot otherwise.
  std::size_t size() const noexcept {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }
  // Elements dropped because the ring was full.
  std::uint64_t overruns() const noexcept { return overruns_.load(std::memory_order_relaxed); }
  // Reads that found fewer elements than asked for.
  std::uint64_t underruns() const noexcept { return underruns_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kLine = 64;

  static std::size_t round_up(std::size_t n) {
    std::size_t c = 2;
    while (c < n) c <<= 1;
    return c;
  }

  Regions regions_at(std::size_t index, std::size_t n) const noexcept {
    const std::size_t start = index & mask_;
    const std::size_t first = n < capacity_ - start ? n : capacity_ - start;
    return {std::span<T>(buffer_.get() + start, first), std::span<T>(buffer_.get(), n - first)};
  }

  // Each counter has one writer (the producer's overruns, the consumer's
  // underruns): a plain load and store, not a locked read-modify-write.
  static void bump(std::atomic<std::uint64_t> &counter, std::uint64_t by) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  static void copy_in(std::span<T> to, const T *from) noexcept {
    if (!to.empty()) std::memcpy(to.data(), from, to.size_bytes());
  }
  static void copy_out(std::span<T> from, T *to) noexcept {
    if (!from.empty()) std::memcpy(to, from.data(), from.size_bytes());
  }

  const std::size_t capacity_;
  const std::size_t mask_;
  const std::unique_ptr<T[]> buffer_;

  // Producer's line: where it writes next, and what it last saw of the reader.
  alignas(kLine) std::atomic<std::size_t> head_{0};
  std::size_t cached_tail_ = 0;
  // Consumer's line.
  alignas(kLine) std::atomic<std::size_t> tail_{0};
  std::size_t cached_head_ = 0;
  // Counters, each on a line of its own, apart from the indices.
  alignas(kLine) std::atomic<std::uint64_t> overruns_{0};
  alignas(kLine) std::atomic<std::uint64_t> underruns_{0};
};

}  // namespace switchboard::audio
