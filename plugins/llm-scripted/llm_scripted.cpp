// llm-scripted: streams configured replies word by word at a configured pace.
// Deterministic, for demos and tests: it can also stall or fail on cue.
//
// config:
//   reply: "..."                       the answer when no `replies` entry matches
//   replies: [{match: "weather", reply: "..."}]   first whose match is in the last user message
//   first_token_ms: 0, token_ms: 0     pace
//   on_continue: resume | restart      a request ending with an assistant message
//                                      continues it: resume after it, or restart the reply
//   stall_after_tokens: N              stop sending after N tokens (until cancelled)
//   fail_after_tokens: N, fail_status: retryable|fatal|invalid_input, fail_message: "..."
//   fail_first_calls: N                only the first N calls fail (at fail_after_tokens, default 0)
//   fail_retry_after_ms: 0             a failure carries this Retry-After (as a 429 would)
//   models: ["a", "b"]                 the models it serves: another one is refused
//                                      (invalid_input), as a service refuses an unknown model
//   reject_status: retryable|fatal|invalid_input|cancelled   every call is refused at its start, before
//                                      anything streams (the start itself returns the error)
//   tool_call: {name: "..", arguments: "{..}"}   when the request offers that tool and none has
//                                      answered since the last user message, the answer is a call
//                                      to it: its name, then the arguments six characters a piece
//                                      (each a token for the knobs above); after the tool's result
//                                      the reply is "From the tool: " and the result's first words
#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <mutex>
#include <sstream>

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

namespace {

std::vector<std::string> words_of(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

sdk::Status status_named(const std::string &name) {
  if (name == "fatal") return sdk::Status::fatal;
  if (name == "invalid_input") return sdk::Status::invalid_input;
  return sdk::Status::retryable;
}

// One completion in progress: the words left to send and the pace.
struct Stream {
  Stream(sdk::LlmSink s, sdk::CancelToken c) : sink(std::move(s)), cancel(c) {}

  std::mutex mutex;  // a cancel's wake-up may race a paced step
  std::vector<std::string> words;
  std::size_t next = 0;
  std::size_t sent = 0;
  bool leading_space = false;
  std::uint32_t prompt_tokens = 0;
  bool fails = false;
  std::string call_id;                   // a tool call's, when the answer is one
  std::string tool;                      // its name
  std::vector<std::string> tool_pieces;  // its arguments, piece by piece
  sdk::LlmSink sink;
  sdk::CancelToken cancel;
  sdk::CancelSubscription on_cancel;
};

}  // namespace

class ScriptedLlm : public sdk::Llm {
 public:
  explicit ScriptedLlm(sdk::Host &host) : host_(host) {
    const auto &c = host.config();
    reply_ = c.value("reply", "This is a scripted reply.");
    for (const auto &r : c.value("replies", nlohmann::json::array())) {
      replies_.emplace_back(lower(r.value("match", "")), r.value("reply", ""));
    }
    first_token_ms_ = c.value("first_token_ms", 0);
    token_ms_ = c.value("token_ms", 0);
    restart_ = c.value("on_continue", "resume") == "restart";
    stall_after_ = c.value("stall_after_tokens", 0);
    fail_after_ = c.value("fail_after_tokens", -1);
    fail_status_ = status_named(c.value("fail_status", "retryable"));
    fail_message_ = c.value("fail_message", "scripted failure");
    fail_first_calls_ = c.value("fail_first_calls", -1);
    reject_ = c.value("reject_status", "");
    if (c.contains("tool_call")) {
      tool_ = c["tool_call"].value("name", "");
      tool_arguments_ = c["tool_call"].value("arguments", "{}");
    }
    retry_after_ms_ = c.value("fail_retry_after_ms", 0);
    for (const auto &m : c.value("models", nlohmann::json::array())) models_.push_back(m);
  }

  static void validate(const nlohmann::json &c, sdk::ConfigErrors &errors) {
    namespace cfg = sdk::config;
    if (!cfg::allow_only(c,
                         {"reply", "replies", "first_token_ms", "token_ms", "on_continue", "stall_after_tokens",
                          "fail_after_tokens", "fail_status", "fail_message", "fail_first_calls", "reject_status",
                          "fail_retry_after_ms", "models", "tool_call"},
                         errors)) {
      return;
    }
    cfg::expect_string(c, "reply", errors);
    cfg::expect_integer(c, "first_token_ms", errors, 0, 600000);
    cfg::expect_integer(c, "token_ms", errors, 0, 600000);
    cfg::expect_integer(c, "stall_after_tokens", errors, 0, 1000000);
    cfg::expect_integer(c, "fail_after_tokens", errors, 0, 1000000);
    cfg::expect_string(c, "fail_message", errors);
    cfg::expect_integer(c, "fail_first_calls", errors, 0, 1000000);
    cfg::expect_integer(c, "fail_retry_after_ms", errors, 0, 86400000);
    if (c.contains("models") &&
        (!c["models"].is_array() ||
         std::any_of(c["models"].begin(), c["models"].end(), [](const auto &m) { return !m.is_string(); }))) {
      errors.add("/models", "must be a list of model names");
    }
    if (c.contains("tool_call") &&
        (!c["tool_call"].is_object() || !c["tool_call"].contains("name") || !c["tool_call"]["name"].is_string())) {
      errors.add("/tool_call", "needs a string key name (and arguments, a JSON text)");
    }
    if (c.contains("on_continue") && c["on_continue"] != "resume" && c["on_continue"] != "restart") {
      errors.add("/on_continue", "must be resume or restart");
    }
    if (c.contains("fail_status") && c["fail_status"] != "retryable" && c["fail_status"] != "fatal" &&
        c["fail_status"] != "invalid_input") {
      errors.add("/fail_status", "must be retryable, fatal or invalid_input");
    }
    if (c.contains("reject_status") && c["reject_status"] != "retryable" && c["reject_status"] != "fatal" &&
        c["reject_status"] != "invalid_input" && c["reject_status"] != "cancelled") {
      errors.add("/reject_status", "must be retryable, fatal, invalid_input or cancelled");
    }
    if (c.contains("replies")) {
      if (!c["replies"].is_array()) {
        errors.add("/replies", "must be a list of {match, reply}");
      } else {
        for (std::size_t i = 0; i < c["replies"].size(); ++i) {
          const auto &r = c["replies"][i];
          if (!r.is_object() || !r.contains("match") || !r.contains("reply") || !r["match"].is_string() ||
              !r["reply"].is_string()) {
            errors.add("/replies/" + std::to_string(i), "needs string keys match and reply");
          }
        }
      }
    }
  }

  void chat(const sdk::LlmRequest &request, sdk::LlmSink sink, sdk::CancelToken cancel) override {
    if (!reject_.empty()) {
      throw sdk::Error(reject_ == "cancelled" ? sdk::Status::cancelled : status_named(reject_), fail_message_);
    }
    if (!models_.empty() && std::find(models_.begin(), models_.end(), request.model) == models_.end()) {
      throw sdk::Error(sdk::Status::invalid_input, "model '" + request.model + "' not found");
    }
    std::string user;
    std::string continued;
    for (const auto &m : request.messages) {
      if (m.role == "user") user = m.content;
    }
    if (!request.messages.empty() && request.messages.back().role == "assistant") {
      continued = request.messages.back().content;
    }
    auto stream = std::make_shared<Stream>(sink, cancel);
    const int call = calls_.fetch_add(1);
    // Failing is on with either knob; fail_first_calls limits it to the first calls.
    stream->fails = (fail_after_ >= 0 || fail_first_calls_ >= 0) && (fail_first_calls_ < 0 || call < fail_first_calls_);
    const ToolTurn tool = tool_turn(request);
    if (tool == ToolTurn::call) {
      stream->call_id = "call_scripted_" + std::to_string(call);
      stream->tool = tool_;
      for (std::size_t at = 0; at < tool_arguments_.size(); at += 6)
        stream->tool_pieces.push_back(tool_arguments_.substr(at, 6));
    } else if (tool == ToolTurn::after) {
      std::string result;
      for (const auto &m : request.messages) {
        if (m.role == "tool") result = m.content;
      }
      auto words = words_of(result);
      words.resize(std::min<std::size_t>(words.size(), 24));
      stream->words = {"From", "the", "tool:"};
      stream->words.insert(stream->words.end(), words.begin(), words.end());
    } else {
      stream->words = words_of(pick(user));
    }
    if (!continued.empty() && !restart_) {
      // Resume after the words the caller already has.
      const std::size_t have = std::min(words_of(continued).size(), stream->words.size());
      stream->next = have;
      stream->leading_space = true;
    }
    for (const auto &m : request.messages) {
      stream->prompt_tokens += static_cast<std::uint32_t>(words_of(m.content).size());
    }
    // A cancel wakes the stream on a worker, which ends it. The subscription
    // holds the stream, so a stalled one lives until then; ending the stream
    // resets the subscription and with it the cycle.
    stream->on_cancel = cancel.on_cancel([this, stream] { schedule(stream, 0); });
    schedule(stream, first_token_ms_);
  }

 private:
  enum class ToolTurn { none, call, after };

  // Whether this answer calls the scripted tool, follows its result, or neither.
  ToolTurn tool_turn(const sdk::LlmRequest &request) const {
    if (tool_.empty()) return ToolTurn::none;
    const bool offered = std::any_of(request.tools.begin(), request.tools.end(), [&](const nlohmann::json &t) {
      return t.value("function", nlohmann::json::object()).value("name", "") == tool_;
    });
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
      if (it->role == "tool") return ToolTurn::after;
      if (it->role == "user") break;
    }
    return offered ? ToolTurn::call : ToolTurn::none;
  }

  std::string pick(const std::string &user) const {
    const std::string text = lower(user);
    for (const auto &[match, reply] : replies_) {
      if (!match.empty() && text.find(match) != std::string::npos) return reply;
    }
    return reply_;
  }

  void schedule(const std::shared_ptr<Stream> &stream, int delay_ms) {
    host_.post([this, stream] { step(stream); }, std::chrono::milliseconds(delay_ms));
  }

  void step(const std::shared_ptr<Stream> &stream) {
    std::lock_guard lock(stream->mutex);
    if (stream->sink.finished()) {
      return;
    }
    if (stream->cancel.cancelled()) {
      stream->on_cancel.reset();
      stream->sink.fail(sdk::Status::cancelled, "cancelled");
      return;
    }
    if (stream->fails && static_cast<int>(stream->sent) >= std::max(0, fail_after_)) {
      stream->on_cancel.reset();
      stream->sink.fail(fail_status_, fail_message_, static_cast<std::uint32_t>(retry_after_ms_));
      return;
    }
    if (stall_after_ > 0 && static_cast<int>(stream->sent) >= stall_after_) {
      return;  // silent until cancelled; the cancel subscription ends it
    }
    if (!stream->tool.empty()) {
      // The call's first piece names it; the arguments follow.
      const bool first = stream->sent == 0;
      const std::size_t piece = first ? 0 : stream->sent - 1;
      if (first || piece < stream->tool_pieces.size()) {
        stream->sink.tool_call(0, first ? stream->call_id : "", first ? stream->tool : "",
                               first ? "" : stream->tool_pieces[piece]);
        ++stream->sent;
        schedule(stream, token_ms_);
        return;
      }
    }
    if (stream->next >= stream->words.size()) {
      stream->on_cancel.reset();
      stream->sink.usage(stream->prompt_tokens, static_cast<std::uint32_t>(stream->sent));
      stream->sink.done();
      return;
    }
    const bool space = stream->sent > 0 || stream->leading_space;
    stream->sink.token((space ? " " : "") + stream->words[stream->next++]);
    ++stream->sent;
    schedule(stream, token_ms_);
  }

  sdk::Host &host_;
  std::string reply_;
  std::vector<std::pair<std::string, std::string>> replies_;
  int first_token_ms_;
  int token_ms_;
  bool restart_;
  int stall_after_;
  int fail_after_;
  sdk::Status fail_status_;
  std::string fail_message_;
  int fail_first_calls_;
  std::string reject_;
  int retry_after_ms_ = 0;
  std::vector<std::string> models_;
  std::string tool_;
  std::string tool_arguments_;
  std::atomic<int> calls_{0};
};

SWITCHBOARD_PLUGIN(ScriptedLlm, "llm-scripted", "1.0.0", "Streams configured replies at a configured pace")
