#include "lock_counter.hpp"

#include <pthread.h>

#include <atomic>

namespace {

std::atomic<std::uint64_t> count{0};

}  // namespace

std::uint64_t switchboard::bench::mutex_locks() noexcept {
  return count.load(std::memory_order_relaxed);
}

// glibc exports its implementation under a second, versioned name too.
extern "C" int libc_mutex_lock(pthread_mutex_t *mutex);
__asm__(".symver libc_mutex_lock,__pthread_mutex_lock@GLIBC_2.2.5");

extern "C" int pthread_mutex_lock(pthread_mutex_t *mutex) {
  count.fetch_add(1, std::memory_order_relaxed);
  return libc_mutex_lock(mutex);
}
