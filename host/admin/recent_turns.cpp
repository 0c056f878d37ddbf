#include "admin/recent_turns.hpp"

#include <algorithm>
#include <vector>

namespace switchboard::admin {

void RecentTurns::drop_old(double now) const {
  while (!turns_.empty() && turns_.front().at < now - window_) turns_.pop_front();
}

void RecentTurns::record(double now, double latency_ms, bool failed, TurnStages stages,
                         const std::string &llm_provider) {
  std::lock_guard lock(mutex_);
  drop_old(now);
  if (turns_.size() >= max_) turns_.pop_front();
  turns_.push_back({now, latency_ms, failed, stages});
  if (!failed) {
    last_at_ = now;
    last_llm_provider_ = llm_provider;
  }
}

nlohmann::json RecentTurns::summary(double now) const {
  std::lock_guard lock(mutex_);
  drop_old(now);
  std::vector<double> latencies;
  int errors = 0;
  for (const auto &t : turns_) {
    errors += t.failed ? 1 : 0;
    if (t.latency_ms >= 0) latencies.push_back(t.latency_ms);
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double p) {
    return latencies.empty() ? 0.0 : latencies[static_cast<std::size_t>(p * static_cast<double>(latencies.size() - 1))];
  };
  auto median = [&](double TurnStages::*stage) {
    std::vector<double> v;
    for (const auto &t : turns_) {
      if (t.stages.*stage >= 0) v.push_back(t.stages.*stage);
    }
    if (v.empty()) return nlohmann::json(nullptr);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return nlohmann::json(v[v.size() / 2]);
  };
  nlohmann::json last = nullptr;
  if (last_at_ > 0) last = {{"at", last_at_}, {"llm_provider", last_llm_provider_}};
  return {{"window_seconds", window_},
          {"turns", turns_.size()},
          {"errors", errors},
          {"latency_ms", {{"p50", at(0.5)}, {"p99", at(0.99)}, {"max", latencies.empty() ? 0.0 : latencies.back()}}},
          {"stages",
           {{"stt_ms", median(&TurnStages::stt_ms)},
            {"llm_ms", median(&TurnStages::llm_ms)},
            {"tts_ms", median(&TurnStages::tts_ms)}}},
          {"last_turn", last}};
}

}  // namespace switchboard::admin
