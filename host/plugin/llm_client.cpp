#include "plugin/llm_client.hpp"

#include "plugin/outcome.hpp"

namespace switchboard::plugin {

LlmHandler::LlmHandler() {
  callbacks_.struct_size = sizeof callbacks_;
  callbacks_.user = this;
  callbacks_.on_token = [](void *user, const char *text, size_t size) {
    static_cast<LlmHandler *>(user)->on_token(std::string_view(text, size));
  };
  callbacks_.on_usage = [](void *user, std::uint32_t prompt, std::uint32_t completion) {
    static_cast<LlmHandler *>(user)->on_usage(prompt, completion);
  };
  callbacks_.on_done = [](void *user, sb_status status, const sb_error *error) {
    static_cast<LlmHandler *>(user)->on_done(outcome_of(status, error));
  };
  callbacks_.on_tool_call = [](void *user, std::uint32_t index, const char *id, const char *name, const char *arguments,
                               size_t size) {
    static_cast<LlmHandler *>(user)->on_tool_call(index, id != nullptr ? id : "", name != nullptr ? name : "",
                                                  std::string_view(arguments != nullptr ? arguments : "", size));
  };
}

void LlmRequest::add(const ChatMessage &m, bool tools_aware) {
  if (tools_aware || m.role != "tool") {
    if (!tools_aware && m.role == "assistant" && m.content.empty()) return;  // only calls, which it cannot read
    c_messages_.push_back({m.role.c_str(), m.content.c_str()});
    c_message_tools_.push_back(m.tools_json.empty() ? nullptr : m.tools_json.c_str());
    return;
  }
  notes_.push_back("A tool gave this result: " + m.content);
  c_messages_.push_back({"system", nullptr});
  c_message_tools_.push_back(nullptr);
}

const sb_llm_request &LlmRequest::view(bool tools_aware) {
  // Without tools on offer the tool exchange so far is told as notes too: a
  // model may not read tool messages it was offered no tools for.
  tools_aware = tools_aware && !tools_json.empty();
  c_messages_.clear();
  c_message_tools_.clear();
  notes_.clear();
  if (history != nullptr) {
    for (const auto &m : *history) add(m, tools_aware);
  }
  for (const auto &m : messages) add(m, tools_aware);
  // The notes are complete: point their messages at them.
  std::size_t note = 0;
  for (auto &m : c_messages_) {
    if (m.content == nullptr) m.content = notes_[note++].c_str();
  }
  c_passages_.clear();
  for (const auto &p : passages) c_passages_.push_back({p.source.c_str(), p.text.c_str(), p.score});
  c_request_.struct_size = sizeof c_request_;
  c_request_.messages = c_messages_.data();
  c_request_.message_count = c_messages_.size();
  c_request_.model = model.empty() ? nullptr : model.c_str();
  c_request_.temperature = temperature;
  c_request_.max_tokens = max_tokens;
  c_request_.options_json = nullptr;
  c_request_.tools_json = tools_aware ? tools_json.c_str() : nullptr;
  c_request_.message_tools_json = tools_aware ? c_message_tools_.data() : nullptr;
  c_request_.passages = c_passages_.data();
  c_request_.passage_count = c_passages_.size();
  return c_request_;
}

Outcome chat(const Instance &llm, LlmRequest &request, LlmHandler &handler, const CancelSource &cancel) {
  sb_error err = empty_error();
  const sb_status status = llm.vtable<sb_llm_vtable>().chat(
      llm.handle(), &request.view(llm.plugin().info().abi_minor >= 5), handler.callbacks(), cancel.token(), &err);
  return status == SB_OK ? Outcome{} : outcome_of(status, &err);
}

}  // namespace switchboard::plugin
