// Counts every heap allocation of the benchmark program that links
// allocation_counter.cpp (it replaces the global operator new).
#pragma once

#include <cstdint>

namespace switchboard::bench {

std::uint64_t allocations() noexcept;

}  // namespace switchboard::bench
