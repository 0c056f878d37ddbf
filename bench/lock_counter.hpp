// Counts every pthread_mutex_lock of the benchmark program that links
// lock_counter.cpp (it interposes the C library's; std::mutex locks through
// it). Locks the C library takes inside itself are not seen.
#pragma once

#include <cstdint>

namespace switchboard::bench {

std::uint64_t mutex_locks() noexcept;

}  // namespace switchboard::bench
