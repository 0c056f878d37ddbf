// llm-openai: POST {base_url}/chat/completions with stream: true, answers
// read from the SSE stream as they come. One plugin for every server that
// speaks this API: OpenAI, Groq, Cerebras, Ollama (/v1), vLLM, llama.cpp.
//
// config (plus the connection settings of switchboard/http/endpoint.hpp):
//   model: gpt-4o-mini          required
//   temperature: 0.7            default for calls that do not set one
//   max_tokens: 512             likewise
//   stream_usage: true          ask for token counts (stream_options.include_usage)
//   options: {top_p: 0.9}       extra body fields sent with every call
//
// Tools offered by the host go out as `tools`; the model's `tool_calls`
// deltas come back to the host piece by piece, and the host's tool history
// goes out as assistant `tool_calls` and `tool` messages (ABI 1.5). Passages
// of the operator's documents go in a system message before the question.
#include <memory>
#include <mutex>

#include "switchboard/http/cancel_link.hpp"
#include "switchboard/http/client.hpp"
#include "switchboard/http/endpoint.hpp"
#include "switchboard/http/sse_parser.hpp"
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;
namespace http = switchboard::http;

namespace {

// One completion: the SSE stream parsed into tokens for the sink.
struct Completion {
  explicit Completion(sdk::LlmSink s) : sink(std::move(s)), parser([this](const http::SseEvent &e) { event(e); }) {}

  sdk::LlmSink sink;
  http::CancelLink link;
  http::SseParser parser;
  std::optional<sdk::Outcome> failure;
  bool finished = false;  // [DONE] or a finish_reason came

  void event(const http::SseEvent &e) {
    if (failure) return;
    if (e.data == "[DONE]") {
      finished = true;
      return;
    }
    const auto chunk = nlohmann::json::parse(e.data, nullptr, false);
    if (chunk.is_discarded() || !chunk.is_object()) {
      failure = sdk::Outcome{sdk::Status::retryable, "malformed event in the answer stream", 0};
      return;
    }
    if (const auto err = chunk.find("error"); err != chunk.end()) {
      const std::string message = err->is_object() ? err->value("message", err->dump()) : err->dump();
      failure = sdk::Outcome{sdk::Status::retryable, "the server failed mid-answer: " + message, 0};
      return;
    }
    if (const auto choices = chunk.find("choices"); choices != chunk.end() && choices->is_array()) {
      for (const auto &choice : *choices) {
        const auto delta = choice.find("delta");
        if (delta != choice.end() && delta->is_object()) {
          const auto content = delta->find("content");
          if (content != delta->end() && content->is_string() && !content->get_ref<const std::string &>().empty()) {
            sink.token(content->get_ref<const std::string &>());
          }
          if (const auto calls = delta->find("tool_calls"); calls != delta->end() && calls->is_array()) {
            for (const auto &c : *calls) tool_call(c);
          }
        }
        if (const auto reason = choice.find("finish_reason"); reason != choice.end() && reason->is_string()) {
          finished = true;
        }
      }
    }
    if (const auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
      sink.usage(usage->value("prompt_tokens", 0U), usage->value("completion_tokens", 0U));
    }
  }

  // {"index":0,"id":"call_..","type":"function","function":{"name":"..","arguments":"{\"q"}}
  void tool_call(const nlohmann::json &c) {
    if (!c.is_object()) return;
    const auto index = c.value("index", 0U);
    const auto fn = c.value("function", nlohmann::json::object());
    auto text = [](const nlohmann::json &j, const char *key) {
      const auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    sink.tool_call(index, text(c, "id"), text(fn, "name"), text(fn, "arguments"));
  }
};

// The request's messages as the API has them, with the passages in a
// system message just before the last user message.
nlohmann::json messages_of(const sdk::LlmRequest &request) {
  nlohmann::json out = nlohmann::json::array();
  std::size_t last_user = request.messages.size();
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    if (request.messages[i].role == "user") last_user = i;
  }
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    const auto &m = request.messages[i];
    if (i == last_user && !request.passages.empty()) {
      std::string context = "Passages from the operator's documents; answer from them when they are relevant:";
      for (std::size_t k = 0; k < request.passages.size(); ++k) {
        context.append("\n[").append(std::to_string(k + 1)).append("] ");
        if (!request.passages[k].source.empty()) context.append("(").append(request.passages[k].source).append(") ");
        context.append(request.passages[k].text);
      }
      out.push_back({{"role", "system"}, {"content", context}});
    }
    nlohmann::json message = {{"role", m.role}, {"content", m.content}};
    if (!m.tool_calls.empty()) {
      auto &calls = message["tool_calls"] = nlohmann::json::array();
      for (const auto &c : m.tool_calls) {
        calls.push_back(
            {{"id", c.id}, {"type", "function"}, {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
      }
      if (m.content.empty()) message["content"] = nullptr;
    }
    if (m.role == "tool") message["tool_call_id"] = m.tool_call_id;
    out.push_back(std::move(message));
  }
  return out;
}

}  // namespace

class OpenAiLlm : public sdk::Llm {
 public:
  explicit OpenAiLlm(sdk::Host &host)
      : endpoint_(http::Endpoint::from(host.config(), "https://api.openai.com/v1")), client_(http::Client::shared()) {
    const auto &c = host.config();
    model_ = c.value("model", "");
    if (c.contains("temperature")) temperature_ = c["temperature"].get<double>();
    if (c.contains("max_tokens")) max_tokens_ = c["max_tokens"].get<int>();
    stream_usage_ = c.value("stream_usage", true);
    options_ = c.value("options", nlohmann::json::object());
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!http::Endpoint::allow_only(c, {"model", "temperature", "max_tokens", "stream_usage", "options"}, errors)) {
      return;
    }
    http::Endpoint::validate(c, errors, false);
    cfg::expect_string(c, "model", errors, true);
    cfg::expect_number(c, "temperature", errors, 0, 2);
    cfg::expect_integer(c, "max_tokens", errors, 1, 1 << 20);
    cfg::expect_bool(c, "stream_usage", errors);
    if (c.contains("options") && !c["options"].is_object()) errors.add("/options", "'options' must be a mapping");
  }

  void chat(const sdk::LlmRequest &request, sdk::LlmSink sink, sdk::CancelToken cancel) override {
    nlohmann::json body = options_;
    for (const auto &[key, value] : request.options.items()) body[key] = value;
    body["model"] = request.model.empty() ? model_ : request.model;
    body["stream"] = true;
    if (stream_usage_) body["stream_options"] = {{"include_usage", true}};
    body["messages"] = messages_of(request);
    if (!request.tools.empty()) body["tools"] = request.tools;
    if (const auto t = request.temperature ? request.temperature : temperature_) body["temperature"] = *t;
    if (const auto n = request.max_tokens ? request.max_tokens : max_tokens_) body["max_tokens"] = *n;

    http::Request r = endpoint_.request("chat/completions");
    if (!endpoint_.api_key.empty()) r.headers.push_back({"Authorization", "Bearer " + endpoint_.api_key});
    r.headers.push_back({"Content-Type", "application/json"});
    r.headers.push_back({"Accept", "text/event-stream"});
    r.body = body.dump();

    auto call = std::make_shared<Completion>(std::move(sink));
    call->link.arm(cancel);
    if (call->link.cancelled()) {
      call->link.release();
      call->sink.fail(sdk::Status::cancelled, "cancelled");
      return;
    }
    http::Handlers handlers;
    handlers.on_data = [call](std::string_view bytes) -> std::optional<sdk::Outcome> {
      if (!call->parser.feed(bytes)) return sdk::Outcome{sdk::Status::retryable, "the answer is not an SSE stream", 0};
      return call->failure;
    };
    handlers.on_done = [call](const sdk::Outcome &outcome) {
      call->link.release();
      if (!outcome.ok()) {
        call->sink.fail(outcome);
      } else if (!call->finished) {
        call->sink.fail(sdk::Status::retryable, "the answer stream ended before it was complete");
      } else {
        call->sink.done();
      }
    };
    const http::Call started = client_->start(std::move(r), std::move(handlers));
    call->link.attach([started] { started.cancel(); });
  }

 private:
  http::Endpoint endpoint_;
  std::shared_ptr<http::Client> client_;
  std::string model_;
  std::optional<double> temperature_;
  std::optional<int> max_tokens_;
  bool stream_usage_ = true;
  nlohmann::json options_;
};

SWITCHBOARD_PLUGIN(
    OpenAiLlm, "llm-openai", "1.0.0",
    "Chat completions over the OpenAI API and compatible servers (Groq, Cerebras, Ollama, vLLM, llama.cpp)")
