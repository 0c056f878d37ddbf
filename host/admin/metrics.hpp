// Counters, gauges and histogram summaries reported by the host and plugins.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace switchboard::admin {

class Metrics {
 public:
  void add(const std::string &name, double value);
  void set(const std::string &name, double value);
  void observe(const std::string &name, double value);

  // {"counters": {...}, "gauges": {...}, "histograms": {name: {count, sum, min, max}}}
  nlohmann::json snapshot() const;

 private:
  struct Summary {
    double count = 0;
    double sum = 0;
    double min = 0;
    double max = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::string, double> counters_;
  std::map<std::string, double> gauges_;
  std::map<std::string, Summary> histograms_;
};

}  // namespace switchboard::admin
