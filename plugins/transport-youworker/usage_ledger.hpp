// What this API's clients used, as the turns report it: tokens per answer
// (the providers' counts, or the host's word-count estimate where they give
// none) by the provider that answered, and every tool call with its outcome
// and latency. Kept in memory for the analytics routes; it starts empty
// with the process.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/server/auth.hpp"
#include "switchboard/server/turn_runner.hpp"

namespace youworker {

struct TurnUsage {
  double at = 0;  // seconds since the epoch
  std::string subject;
  std::string session_id;
  std::string model;  // the llm provider that answered
  std::uint32_t input_tokens = 0;
  std::uint32_t output_tokens = 0;
};

struct ToolUsage {
  double at = 0;
  std::string subject;
  std::string tool;
  bool ok = true;
  double latency_ms = 0;
};

class UsageLedger {
 public:
  // Wraps out.done and out.tool so that what they report is recorded first.
  void watch(switchboard::server::TurnOutput &out, const switchboard::server::Identity &who,
             const std::string &session_id);

  void record_turn(TurnUsage usage);
  void record_tool(ToolUsage usage);
  // What `who` may see (its own, or everything for an admin) between from and to.
  std::vector<TurnUsage> turns(const switchboard::server::Identity &who, double from, double to) const;
  std::vector<ToolUsage> tools(const switchboard::server::Identity &who, double from, double to) const;

 private:
  mutable std::mutex mutex_;
  std::vector<TurnUsage> turns_;
  std::vector<ToolUsage> tools_;
};

double now_seconds();

}  // namespace youworker
