// The one percentile every benchmark reports: the sample at rank p*(n-1) of
// the sorted samples (0 for none).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace switchboard::bench {

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace switchboard::bench
