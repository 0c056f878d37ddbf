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
}

const sb_llm_request &LlmRequest::view() {
  c_messages_.clear();
  if (history != nullptr) {
    for (const auto &m : *history) c_messages_.push_back({m.role.c_str(), m.content.c_str()});
  }
  for (const auto &m : messages) {
    c_messages_.push_back({m.role.c_str(), m.content.c_str()});
  }
  c_request_.struct_size = sizeof c_request_;
  c_request_.messages = c_messages_.data();
  c_request_.message_count = c_messages_.size();
  c_request_.model = model.empty() ? nullptr : model.c_str();
  c_request_.temperature = temperature;
  c_request_.max_tokens = max_tokens;
  c_request_.options_json = nullptr;
  return c_request_;
}

Outcome chat(const Instance &llm, LlmRequest &request, LlmHandler &handler, const CancelSource &cancel) {
  sb_error err = empty_error();
  const sb_status status =
      llm.vtable<sb_llm_vtable>().chat(llm.handle(), &request.view(), handler.callbacks(), cancel.token(), &err);
  return status == SB_OK ? Outcome{} : outcome_of(status, &err);
}

}  // namespace switchboard::plugin
