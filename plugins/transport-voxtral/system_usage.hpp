// The process's share of the machine, as /api/stats reports it: resident
// memory over the machine's, and CPU time over wall time and cores since
// the process started (Linux /proc).
#pragma once

#include <optional>

namespace voxtral {

std::optional<double> memory_percent();
std::optional<double> cpu_percent();

}  // namespace voxtral
