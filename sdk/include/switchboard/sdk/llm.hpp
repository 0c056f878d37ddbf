// Language models for C++ plugins: derive from Llm.
#pragma once

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

struct Message {
  std::string role;
  std::string content;
};

struct LlmRequest {
  std::vector<Message> messages;
  std::string model;  // empty: the configured one
  std::optional<double> temperature;
  std::optional<int> max_tokens;
  nlohmann::json options = nlohmann::json::object();
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
};

class Llm {
 public:
  virtual ~Llm() = default;
  // [any-thread, non-blocking] Starts a completion that reports to sink; work
  // that blocks goes to Host::post. An exception thrown here fails the call.
  virtual void chat(const LlmRequest &request, LlmSink sink, CancelToken cancel) = 0;
};

}  // namespace switchboard::sdk
