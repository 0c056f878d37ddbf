#include "admin/metrics.hpp"

#include <algorithm>

namespace switchboard::admin {

void Metrics::add(const std::string &name, double value) {
  std::lock_guard lock(mutex_);
  counters_[name] += value;
}

void Metrics::set(const std::string &name, double value) {
  std::lock_guard lock(mutex_);
  gauges_[name] = value;
}

void Metrics::observe(const std::string &name, double value) {
  std::lock_guard lock(mutex_);
  Summary &s = histograms_[name];
  s.min = s.count == 0 ? value : std::min(s.min, value);
  s.max = s.count == 0 ? value : std::max(s.max, value);
  s.count += 1;
  s.sum += value;
}

nlohmann::json Metrics::snapshot() const {
  std::lock_guard lock(mutex_);
  nlohmann::json histograms = nlohmann::json::object();
  for (const auto &[name, s] : histograms_) {
    histograms[name] = {{"count", s.count}, {"sum", s.sum}, {"min", s.min}, {"max", s.max}};
  }
  return {{"counters", counters_}, {"gauges", gauges_}, {"histograms", histograms}};
}

}  // namespace switchboard::admin
