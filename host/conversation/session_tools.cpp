// A turn's tool calls: the model's answer asked for tools, so each call runs
// (once: the llm chain delivers only the calls of the answer that completed,
// never those of a provider that failed midway), the client sees each start
// and end, and the model is asked again with the results. A failing tool is
// an error result the model reads; the turn goes on. After tools.max_rounds
// rounds the model is asked once more without tools, so the turn ends in
// words.
#include "conversation/session.hpp"

namespace switchboard::conversation {
namespace {

using Ms = std::chrono::duration<double, std::milli>;

std::string preview(const std::string &text) {
  constexpr std::size_t kMax = 200;
  if (text.size() <= kMax) return text;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return text.substr(0, cut) + "…";
}

}  // namespace

void Session::llm_tool_calls(std::uint64_t turn, const std::vector<resilience::ToolCall> &calls) {
  if (closed_ || !turn_ || turn_->number != turn || !context_->tools) return;
  for (const auto &c : calls) turn_->tools.push_back({c, {}, false, {}});
}

void Session::run_tools(Turn &t) {
  ++t.rounds;
  nlohmann::json asked = nlohmann::json::array();
  for (std::size_t i = 0; i < t.tools.size(); ++i) {
    auto &c = t.tools[i].call;
    if (c.id.empty())
      c.id = "call_" + std::to_string(t.number) + "_" + std::to_string(t.rounds) + "_" + std::to_string(i);
    asked.push_back({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments.empty() ? "{}" : c.arguments}});
  }
  t.request.messages.push_back(
      {"assistant", t.answer.substr(t.round_text_from), nlohmann::json{{"tool_calls", asked}}.dump()});
  context_->metrics.add("tool_calls_total", static_cast<std::int64_t>(t.tools.size()));
  for (std::size_t i = 0; i < t.tools.size(); ++i) {
    auto &pending = t.tools[i];
    pending.started = context_->clock.now();
    emit(event::ToolUse{t.id, pending.call.name, pending.call.id, "start", pending.call.arguments, -1, {}, {}});
    std::weak_ptr<Session> weak = weak_from_this();
    const std::uint64_t number = t.number;
    context_->tools->run(pending.call.name, pending.call.arguments, t.options.collections,
                         [weak, number, i, strand = strand_](tools::ToolResult result) {
                           strand->post([weak, number, i, result = std::move(result)]() mutable {
                             if (auto self = weak.lock()) self->tool_done(number, i, std::move(result));
                           });
                         });
  }
}

void Session::tool_done(std::uint64_t turn, std::size_t index, tools::ToolResult result) {
  if (closed_ || !turn_ || turn_->number != turn || index >= turn_->tools.size()) return;
  Turn &t = *turn_;
  auto &pending = t.tools[index];
  if (pending.done) return;
  pending.done = true;
  pending.result = result.content;
  const double latency = Ms(context_->clock.now() - pending.started).count();
  if (!result.ok) context_->metrics.add("tool_failures_total", 1);
  emit(event::ToolUse{t.id, pending.call.name, pending.call.id, result.ok ? "end" : "error", pending.call.arguments,
                      latency, result.ok ? preview(result.content) : std::string(), result.error});
  for (const auto &p : t.tools) {
    if (!p.done) return;
  }
  for (const auto &p : t.tools) {
    t.request.messages.push_back(
        {"tool", p.result, nlohmann::json{{"tool_call_id", p.call.id}, {"name", p.call.name}}.dump()});
  }
  if (t.rounds >= context_->tools->max_rounds()) t.request.tools_json.clear();
  ask_llm(t);
}

}  // namespace switchboard::conversation
