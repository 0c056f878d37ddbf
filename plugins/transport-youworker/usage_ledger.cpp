#include "usage_ledger.hpp"

#include <chrono>

#include "switchboard/server/session_turn.hpp"

namespace youworker {

namespace server = switchboard::server;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void UsageLedger::watch(server::TurnOutput &out, const server::Identity &who, const std::string &session_id) {
  auto done = std::move(out.done);
  out.done = [this, done, subject = who.subject, session_id](const nlohmann::json &complete) {
    const auto usage = complete.value("usage", nlohmann::json::object());
    record_turn({now_seconds(), subject, session_id, complete.value("llm_provider", ""),
                 usage.value("prompt_tokens", 0U), usage.value("completion_tokens", 0U)});
    if (done) done(complete);
  };
  auto tool = std::move(out.tool);
  out.tool = [this, tool, subject = who.subject](const nlohmann::json &event) {
    const std::string status = event.value("status", "");
    if (status == "end" || status == "error") {
      record_tool({now_seconds(), subject, event.value("tool", ""), status == "end", event.value("latency_ms", 0.0)});
    }
    if (tool) tool(event);
  };
}

void UsageLedger::record_turn(TurnUsage usage) {
  std::lock_guard lock(mutex_);
  turns_.push_back(std::move(usage));
}

void UsageLedger::record_tool(ToolUsage usage) {
  std::lock_guard lock(mutex_);
  tools_.push_back(std::move(usage));
}

std::vector<TurnUsage> UsageLedger::turns(const server::Identity &who, double from, double to) const {
  std::lock_guard lock(mutex_);
  std::vector<TurnUsage> out;
  for (const auto &t : turns_) {
    if (t.at >= from && t.at <= to && server::may_see(who, t.subject)) out.push_back(t);
  }
  return out;
}

std::vector<ToolUsage> UsageLedger::tools(const server::Identity &who, double from, double to) const {
  std::lock_guard lock(mutex_);
  std::vector<ToolUsage> out;
  for (const auto &t : tools_) {
    if (t.at >= from && t.at <= to && server::may_see(who, t.subject)) out.push_back(t);
  }
  return out;
}

}  // namespace youworker
