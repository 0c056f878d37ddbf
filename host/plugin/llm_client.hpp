// Calling an llm plugin from the host: a handler receives the stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "plugin/cancel_source.hpp"
#include "plugin/instance.hpp"
#include "switchboard/llm.h"
#include "switchboard/sdk/status.hpp"

namespace switchboard::plugin {

using sdk::Outcome;
using sdk::Status;

// Receives one completion. Must outlive the call: until on_done has returned.
class LlmHandler {
 public:
  LlmHandler();
  virtual ~LlmHandler() = default;
  LlmHandler(const LlmHandler &) = delete;
  LlmHandler &operator=(const LlmHandler &) = delete;

  virtual void on_token(std::string_view text) = 0;
  virtual void on_usage(std::uint32_t /*prompt_tokens*/, std::uint32_t /*completion_tokens*/) {}
  virtual void on_done(const Outcome &outcome) = 0;
  // A piece of tool call `index` (id and name on its first piece).
  virtual void on_tool_call(std::uint32_t /*index*/, std::string_view /*id*/, std::string_view /*name*/,
                            std::string_view /*arguments*/) {}

  const sb_llm_callbacks *callbacks() const noexcept { return &callbacks_; }

 private:
  sb_llm_callbacks callbacks_{};
};

struct ChatMessage {
  ChatMessage() = default;
  ChatMessage(std::string r, std::string c, std::string tools = {})
      : role(std::move(r)), content(std::move(c)), tools_json(std::move(tools)) {}

  std::string role;
  std::string content;
  // An assistant's {"tool_calls":[..]} or a tool result's {"tool_call_id","name"}; "" for most.
  std::string tools_json;
};

struct Passage {
  std::string source;
  std::string text;
  double score = 0;
};

// A request in the host's terms; `view()` gives the ABI struct, valid while
// this object (and `history`) live unchanged. The messages sent are those of
// `history`, when set, followed by `messages`: a caller can lend a long
// history instead of copying it.
class LlmRequest {
 public:
  const std::vector<ChatMessage> *history = nullptr;
  std::vector<ChatMessage> messages;
  std::string model;
  double temperature = -1;
  int max_tokens = 0;
  std::string tools_json;  // "" offers no tools
  std::vector<Passage> passages;

  // For a plugin built before ABI 1.5 (`tools_aware` false), or with no
  // tools on offer, tool results become system notes and tool-call
  // bookkeeping is left out: it could not read them.
  const sb_llm_request &view(bool tools_aware = true);

 private:
  void add(const ChatMessage &m, bool tools_aware);

  boost::container::small_vector<sb_llm_message, 16> c_messages_;
  boost::container::small_vector<const char *, 16> c_message_tools_;
  std::vector<std::string> notes_;  // tool results rewritten for an older plugin
  std::vector<sb_llm_passage> c_passages_;
  sb_llm_request c_request_{};
};

// Starts a completion. An error outcome means nothing started and no
// callback will come; otherwise handler.on_done comes exactly once.
Outcome chat(const Instance &llm, LlmRequest &request, LlmHandler &handler, const CancelSource &cancel);

}  // namespace switchboard::plugin
