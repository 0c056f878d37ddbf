// Language models for C++ plugins: derive from Llm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/llm.h"
#include "switchboard/sdk/host.hpp"
#include "switchboard/sdk/sink.hpp"

namespace switchboard::sdk {

// A call the model made to one of the request's tools.
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
};

struct Message {
  Message() = default;
  Message(std::string r, std::string c) : role(std::move(r)), content(std::move(c)) {}

  std::string role;  // "system", "user", "assistant" or "tool"
  std::string content;
  std::vector<ToolCall> tool_calls;  // an assistant's calls
  std::string tool_call_id;          // a "tool" message: the call it answers
  std::string name;                  // a "tool" message: the tool
};

// A passage of the operator's documents that may answer the question.
struct Passage {
  std::string source;
  std::string text;
  double score = 0;
};

struct LlmRequest {
  std::vector<Message> messages;
  std::string model;  // empty: the configured one
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  nlohmann::json options = nlohmann::json::object();
  // OpenAI-style tool definitions the model may call; empty: none.
  nlohmann::json tools = nlohmann::json::array();
  std::vector<Passage> passages;  // best first
};

// Where a completion reports; copy it freely. Calls after done are dropped.
class LlmSink : public detail::SinkBase<sb_llm_callbacks> {
 public:
  using SinkBase::SinkBase;

  bool token(std::string_view text) {
    return state_->emit([&](const sb_llm_callbacks &cb) { cb.on_token(cb.user, text.data(), text.size()); });
  }
  bool usage(std::uint32_t prompt_tokens, std::uint32_t completion_tokens) {
    return state_->emit([&](const sb_llm_callbacks &cb) { cb.on_usage(cb.user, prompt_tokens, completion_tokens); });
  }
  // A piece of tool call `index`: id and name on its first piece, then
  // fragments of its JSON arguments. Dropped by a host older than ABI 1.5
  // (it offers no tools, so a model has none to call).
  bool tool_call(std::uint32_t index, std::string_view id, std::string_view name, std::string_view arguments) {
    return state_->emit([&](const sb_llm_callbacks &cb) {
      if (cb.struct_size < offsetof(sb_llm_callbacks, on_tool_call) + sizeof cb.on_tool_call ||
          cb.on_tool_call == nullptr) {
        return;
      }
      const std::string i(id), n(name);
      cb.on_tool_call(cb.user, index, id.empty() ? nullptr : i.c_str(), name.empty() ? nullptr : n.c_str(),
                      arguments.data(), arguments.size());
    });
  }
};

class Llm {
 public:
  virtual ~Llm() = default;
  // [any-thread, non-blocking] Starts a completion that reports to sink; work
  // that blocks goes to Host::post. An exception thrown here fails the call.
  virtual void chat(const LlmRequest &request, LlmSink sink, CancelToken cancel) = 0;
};

}  // namespace switchboard::sdk
