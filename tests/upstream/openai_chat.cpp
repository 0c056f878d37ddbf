// POST /v1/chat/completions as OpenAI documents it (and Groq, Cerebras,
// Ollama's /v1, vLLM and llama.cpp server copy it): validation, then the
// script's reply as one JSON answer or as SSE chunks.
#include <atomic>
#include <sstream>

#include "upstream/server.hpp"

namespace switchboard::upstream {

ErrorBody openai_errors() {
  return [](int status, const std::string &message) {
    const char *type = status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
    nlohmann::json code = nullptr;
    if (status == 401) code = "invalid_api_key";
    if (status == 429) code = "rate_limit_exceeded";
    return nlohmann::json{{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
  };
}

namespace {

std::vector<std::string> pieces_of(const std::string &text) {
  std::vector<std::string> out;
  std::istringstream words(text);
  std::string w;
  while (words >> w) out.push_back(out.empty() ? w : " " + w);
  return out;
}

std::string words_only(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(c)));
    if (c == ' ' && !out.empty() && out.back() != ' ') out.push_back(' ');
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// What is still to say: a trailing assistant message that starts the reply
// is continued where it stopped, the way a model continues a prefix.
std::size_t resume_at(const std::vector<std::string> &pieces, const nlohmann::json &messages) {
  const auto &last = messages.back();
  if (last.value("role", "") != "assistant" || !last["content"].is_string()) return 0;
  const std::string said = words_only(last["content"].get<std::string>());
  std::string so_far;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    so_far = words_only(so_far + pieces[i]);
    if (so_far == said) return i + 1;
    so_far += ' ';
  }
  return 0;
}

std::string validate(const nlohmann::json &body, const Script &s, int &status) {
  status = 400;
  if (!body.is_object())
    return "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
           "using your HTTP library correctly.)";
  if (!body.contains("model")) return "you must provide a model parameter";
  if (!body["model"].is_string()) return "Invalid type for 'model': expected a string.";
  const auto model = body["model"].get<std::string>();
  if (std::find(s.models.begin(), s.models.end(), model) == s.models.end()) {
    status = 404;
    return "The model `" + model + "` does not exist or you do not have access to it.";
  }
  if (!body.contains("messages")) return "Missing required parameter: 'messages'.";
  const auto &messages = body["messages"];
  if (!messages.is_array()) return "Invalid type for 'messages': expected an array.";
  if (messages.empty()) return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
  static const std::vector<std::string> roles = {"system", "developer", "user", "assistant", "tool"};
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto &m = messages[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("role")) return "Missing required parameter: '" + at + ".role'.";
    if (!m["role"].is_string() || std::find(roles.begin(), roles.end(), m["role"].get<std::string>()) == roles.end()) {
      return "Invalid value: " + m["role"].dump() +
             ". Supported values are: 'system', 'assistant', 'user', 'tool', "
             "and 'developer'.";
    }
    const bool calls = m.contains("tool_calls");
    if (calls && (!m["tool_calls"].is_array() || m["role"] != "assistant")) {
      return "Invalid 'tool_calls' in '" + at + "': only assistant messages have an array of them.";
    }
    if (!m.contains("content") ||
        !(m["content"].is_string() || m["content"].is_array() || (calls && m["content"].is_null()))) {
      return "Missing required parameter: '" + at + ".content'.";
    }
    if (m["role"] == "tool" && (!m.contains("tool_call_id") || !m["tool_call_id"].is_string())) {
      return "Missing required parameter: '" + at + ".tool_call_id'.";
    }
  }
  if (body.contains("temperature")) {
    const auto &t = body["temperature"];
    if (!t.is_number()) return "Invalid type for 'temperature': expected a decimal.";
    if (t.get<double>() < 0 || t.get<double>() > 2) {
      return "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got " + t.dump() +
             " instead.";
    }
  }
  for (const char *key : {"max_tokens", "max_completion_tokens"}) {
    if (body.contains(key) && (!body[key].is_number_integer() || body[key].get<long>() < 1)) {
      return std::string("Invalid '") + key + "': integer below minimum value. Expected a value >= 1.";
    }
  }
  if (body.contains("stream") && !body["stream"].is_boolean()) return "Invalid type for 'stream': expected a boolean.";
  if (body.contains("stream_options") && !body.value("stream", false)) {
    return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  }
  return {};
}

std::atomic<int> next_id{1};

// Whether the request offers the script's tool and no tool answered since
// the last user message: then the model calls it.
bool calls_tool(const nlohmann::json &body, const Script &s) {
  if (s.tool_call.empty() || !body.contains("tools") || !body["tools"].is_array()) return false;
  bool offered = false;
  for (const auto &t : body["tools"]) {
    offered =
        offered || (t.is_object() && t.value("function", nlohmann::json::object()).value("name", "") == s.tool_call);
  }
  const auto &messages = body["messages"];
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if ((*it)["role"] == "tool") return false;
    if ((*it)["role"] == "user") break;
  }
  return offered;
}

// What a model says after a tool's result: its first words.
// The scripted reply with "{first_user}" replaced by the request's first
// user message: an answer that shows what history the client sent, as a
// model's answer would depend on it.
std::string with_history(std::string reply, const nlohmann::json &body) {
  constexpr std::string_view mark = "{first_user}";
  const auto at = reply.find(mark);
  if (at == std::string::npos) return reply;
  std::string first;
  for (const auto &m : body["messages"]) {
    if (m.value("role", "") == "user" && m.contains("content") && m["content"].is_string()) {
      first = m["content"].get<std::string>();
      break;
    }
  }
  return reply.replace(at, mark.size(), first);
}

std::string after_tool(const nlohmann::json &messages) {
  std::string result;
  for (const auto &m : messages) {
    if (m["role"] == "tool" && m["content"].is_string()) result = m["content"].get<std::string>();
  }
  const auto parsed = nlohmann::json::parse(result, nullptr, false);
  if (parsed.is_object() && parsed.contains("passages") && parsed["passages"].is_array() &&
      !parsed["passages"].empty()) {
    result = parsed["passages"][0].value("text", "");
  } else if (parsed.is_object() && parsed.contains("error")) {
    result = "the tool failed";
  }
  std::istringstream in(result);
  std::string out = "From the tool:";
  std::string w;
  for (int n = 0; n < 24 && in >> w; ++n) out += " " + w;
  return out;
}

}  // namespace

// The model's call to the script's tool, streamed as OpenAI streams one: the
// id and name first, then the arguments in pieces, then finish_reason
// "tool_calls". Only streaming requests ask for tools here.
awaitable<void> tool_call_answer(Exchange &x, const nlohmann::json &body, const Script &s, const std::string &id,
                                 long long created, const nlohmann::json &usage) {
  const std::string model = body["model"];
  const std::string call_id = "call_" + std::to_string(next_id++);
  auto chunk = [&](const nlohmann::json &delta, const nlohmann::json &finish_reason) {
    const nlohmann::json c = {{"id", id},
                              {"object", "chat.completion.chunk"},
                              {"created", created},
                              {"model", model},
                              {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish_reason}}}}};
    return "data: " + c.dump() + "\n\n";
  };
  const std::string malformed = "data: {\"id\": \"" + id + "\", \"choices\": [{\"delta\": {\"tool_calls\n\n";
  co_await x.begin_stream("text/event-stream; charset=utf-8");
  const nlohmann::json first = {{"role", "assistant"},
                                {"content", nullptr},
                                {"tool_calls",
                                 {{{"index", 0},
                                   {"id", call_id},
                                   {"type", "function"},
                                   {"function", {{"name", s.tool_call}, {"arguments", ""}}}}}}};
  const std::string opening = chunk(first, nullptr);
  if (!co_await x.chunk(opening, malformed)) co_return;
  co_await x.sleep(s.first_token_ms);
  const std::string &args = s.tool_arguments;
  for (std::size_t at = 0; at < args.size(); at += 8) {
    const nlohmann::json delta = {{"tool_calls", {{{"index", 0}, {"function", {{"arguments", args.substr(at, 8)}}}}}}};
    const std::string piece = chunk(delta, nullptr);
    if (!co_await x.chunk(piece, malformed)) co_return;
    co_await x.sleep(s.token_ms);
  }
  const std::string closing = chunk(nlohmann::json::object(), "tool_calls");
  if (!co_await x.chunk(closing, malformed)) co_return;
  if (body.contains("stream_options") && body["stream_options"].value("include_usage", false)) {
    const nlohmann::json last = {{"id", id},       {"object", "chat.completion.chunk"},  {"created", created},
                                 {"model", model}, {"choices", nlohmann::json::array()}, {"usage", usage}};
    const std::string usage_piece = "data: " + last.dump() + "\n\n";
    if (!co_await x.chunk(usage_piece, malformed)) co_return;
  }
  const std::string done = "data: [DONE]\n\n";
  if (!co_await x.chunk(done, malformed)) co_return;
  co_await x.end_stream();
}

awaitable<void> openai_chat(Exchange &x) {
  const Script s = x.upstream.script_copy();
  const std::string auth = header(x.request, "Authorization");
  if (!x.authorized(auth, "Bearer")) {
    const std::string given = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    {
      const std::string message = given.empty()
                                      ? "You didn't provide an API key. You need to provide your API key in an "
                                        "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                                      : "Incorrect API key provided: " + given + ".";
      co_await x.error(401, message);
    }
    co_return;
  }
  const auto body = nlohmann::json::parse(x.request.body(), nullptr, false);
  x.upstream.record("chat", x.request, body);
  int status = 400;
  if (const auto problem = validate(body, s, status); !problem.empty()) {
    co_await x.error(status, problem);
    co_return;
  }
  const bool tool_call = calls_tool(body, s);
  const bool after_tool_result =
      !tool_call && !s.tool_call.empty() && body.contains("tools") && body["messages"].back()["role"] == "tool";
  const auto pieces = pieces_of(after_tool_result ? after_tool(body["messages"]) : with_history(s.reply, body));
  std::size_t from = resume_at(pieces, body["messages"]);
  std::size_t to = pieces.size();
  const long limit = body.value("max_completion_tokens", body.value("max_tokens", 0L));
  const char *finish = "stop";
  if (limit > 0 && to - from > static_cast<std::size_t>(limit)) {
    to = from + static_cast<std::size_t>(limit);
    finish = "length";
  }
  int prompt_tokens = 0;
  for (const auto &m : body["messages"]) {
    if (m["content"].is_string()) prompt_tokens += static_cast<int>(pieces_of(m["content"].get<std::string>()).size());
  }
  const nlohmann::json usage = {{"prompt_tokens", prompt_tokens},
                                {"completion_tokens", to - from},
                                {"total_tokens", prompt_tokens + static_cast<int>(to - from)}};
  const std::string id = "chatcmpl-" + std::to_string(next_id++);
  const std::string model = body["model"];
  const auto created =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();

  if (tool_call) {
    co_await tool_call_answer(x, body, s, id, created, usage);
    co_return;
  }
  if (!body.value("stream", false)) {
    std::string text;
    for (std::size_t i = from; i < to; ++i) text += pieces[i];
    co_await x.sleep(s.first_token_ms);
    const nlohmann::json answer = {{"id", id},
                                   {"object", "chat.completion"},
                                   {"created", created},
                                   {"model", model},
                                   {"choices",
                                    {{{"index", 0},
                                      {"message", {{"role", "assistant"}, {"content", text}}},
                                      {"logprobs", nullptr},
                                      {"finish_reason", finish}}}},
                                   {"usage", usage}};
    co_await x.json(http::status::ok, answer);
    co_return;
  }

  const bool include_usage = body.contains("stream_options") && body["stream_options"].value("include_usage", false);
  auto chunk = [&](const nlohmann::json &delta, const nlohmann::json &finish_reason) {
    nlohmann::json c = {
        {"id", id},
        {"object", "chat.completion.chunk"},
        {"created", created},
        {"model", model},
        {"system_fingerprint", "fp_upstream"},
        {"choices", {{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", finish_reason}}}}};
    if (include_usage) c["usage"] = nullptr;
    return "data: " + c.dump() + "\n\n";
  };
  const std::string malformed = "data: {\"id\": \"" + id + "\", \"choices\": [{\"delta\": {\"content\n\n";
  co_await x.begin_stream("text/event-stream; charset=utf-8");
  const nlohmann::json opening = {{"role", "assistant"}, {"content", ""}};
  if (!co_await x.chunk(chunk(opening, nullptr), malformed)) co_return;
  co_await x.sleep(s.first_token_ms);
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) co_await x.sleep(s.token_ms);
    nlohmann::json delta = nlohmann::json::object();
    delta["content"] = pieces[i];
    const std::string piece = chunk(delta, nullptr);
    if (!co_await x.chunk(piece, malformed)) co_return;
  }
  const std::string closing = chunk(nlohmann::json::object(), finish);
  if (!co_await x.chunk(closing, malformed)) co_return;
  if (include_usage) {
    const nlohmann::json last = {{"id", id},       {"object", "chat.completion.chunk"},  {"created", created},
                                 {"model", model}, {"choices", nlohmann::json::array()}, {"usage", usage}};
    const std::string usage_piece = "data: " + last.dump() + "\n\n";
    if (!co_await x.chunk(usage_piece, malformed)) co_return;
  }
  if (!co_await x.chunk("data: [DONE]\n\n", malformed)) co_return;
  co_await x.end_stream();
}

}  // namespace switchboard::upstream
