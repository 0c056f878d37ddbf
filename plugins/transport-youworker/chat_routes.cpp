#include "chat_routes.hpp"

#include <atomic>
#include <mutex>
#include <random>

#include "errors.hpp"
#include "switchboard/sdk/base64.hpp"
#include "switchboard/sdk/wav.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/session_turn.hpp"
#include "switchboard/server/validation.hpp"

namespace youworker {

namespace server = switchboard::server;
namespace sdk = switchboard::sdk;
using server::Access;
using server::Call;
using server::Response;

namespace {

// What a chat request asks, once its body has passed.
struct Ask {
  std::string session_id;
  server::TurnInput in;
  bool expect_audio = false;
  std::string language;
};

std::string new_session_id() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  static const char *hex = "0123456789abcdef";
  std::string id = "session_";
  for (int i = 0; i < 16; ++i) id += hex[random() % 16];
  return id;
}

// The text of the last user message of a ChatMessage list.
std::optional<std::string> last_user_text(const nlohmann::json &messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->is_object() && it->value("role", "") == "user" && (*it)["content"].is_string()) {
      return (*it)["content"].get<std::string>();
    }
  }
  return std::nullopt;
}

// A chat body read and checked; the refusal otherwise. `audio_field`: the
// field that may carry audio ("" for the stream, which takes text only).
std::optional<Ask> ask_of(const Call &c, const ChatContext &ctx, bool text_field, bool audio_allowed,
                          bool audio_required, Response &refusal) {
  server::BodyFields body(c.request.body);
  Ask ask;
  const auto session = body.string("session_id");
  const auto text = text_field ? body.string("text_input") : std::nullopt;
  const auto messages = body.list("messages");
  const auto audio = audio_allowed ? body.string("audio_b64", audio_required) : std::nullopt;
  const auto rate = body.integer("sample_rate", 8000, 48000);
  const auto expect = body.boolean("expect_audio");
  const auto model = body.string("model");
  const auto language = body.string("assistant_language");
  const auto tools = body.boolean("enable_tools");
  if (!body.ok()) return refusal = body.refusal(), std::nullopt;

  ask.session_id = session.value_or("");
  if (!ask.session_id.empty() && !server::valid_session_id(ask.session_id)) {
    return refusal = error_body(400, "session_id must be 1 to 128 of A-Z a-z 0-9 - . _ ~"), std::nullopt;
  }
  if (ask.session_id.empty()) ask.session_id = new_session_id();
  if (model && !model->empty()) {
    const auto names = llm_names(ctx.providers);
    if (std::find(names.begin(), names.end(), *model) == names.end()) {
      std::string known;
      for (const auto &n : names) known += (known.empty() ? "" : ", ") + n;
      return refusal = error_body(400, "Unknown model '" + *model + "' (available: " + known + ")"), std::nullopt;
    }
  }
  ask.in.options = answer_options(ctx, model.value_or(""), tools.value_or(true));
  ask.language = language.value_or(ctx.language);
  ask.expect_audio = expect.value_or(!text_field && audio_allowed);  // /v1/chat/voice answers aloud by default
  if (audio && !audio->empty()) {
    auto bytes = sdk::base64_decode(*audio);
    if (!bytes || bytes->empty()) return refusal = error_body(400, "audio_b64 is not valid base64"), std::nullopt;
    if (bytes->size() > ctx.max_audio_bytes) {
      return refusal = error_body(413, "audio_b64 is larger than " + std::to_string(ctx.max_audio_bytes) + " bytes"),
             std::nullopt;
    }
    ask.in.audio = std::move(*bytes);
    ask.in.declared_rate = static_cast<std::uint32_t>(rate.value_or(16000));
  } else if (text && !text->empty()) {
    ask.in.text = *text;
  } else if (messages) {
    const auto last = last_user_text(*messages);
    if (!last) return refusal = error_body(400, "messages holds no user message"), std::nullopt;
    ask.in.text = *last;
  } else {
    body.problem(text_field ? "text_input" : "messages", "field required", "value_error.missing");
    return refusal = body.refusal(), std::nullopt;
  }
  if (ask.in.audio.empty() && ask.in.text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return refusal = error_body(400, "the message is empty"), std::nullopt;
  }
  ask.in.speak = ask.expect_audio;
  return ask;
}

// What the document's clients read of a tool call, kept for the answer.
struct ToolEvents {
  std::mutex mutex;
  nlohmann::json events = nlohmann::json::array();
};

std::string sse(const nlohmann::json &event) {
  return "data: " + event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

// /v1/chat/stream: a token event per piece of the answer, then done.
Response stream_chat(const ChatContext &ctx, const Call &c) {
  Response refusal;
  auto ask = ask_of(c, ctx, false, false, false, refusal);
  if (!ask) return refusal;
  Response r;
  r.content_type = "text/event-stream";
  r.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  const auto who = c.who;
  r.stream = [&ctx, who, ask = std::move(*ask)](std::shared_ptr<server::Stream> stream) {
    server::TurnOutput out;
    out.text = [stream](const std::string &delta) {
      if (!delta.empty()) stream->write(sse({{"event", "token"}, {"data", {{"text", delta}}}}));
    };
    out.tool = [stream](const nlohmann::json &e) { stream->write(sse({{"event", "tool"}, {"data", tool_event(e)}})); };
    const std::string id = ask.session_id;
    out.done = [stream, id](const nlohmann::json &complete) {
      stream->write(sse({{"event", "done"},
                         {"data",
                          {{"final_text", complete.value("assistant_text", "")},
                           {"metadata",
                            {{"session_id", id},
                             {"provider", complete.value("llm_provider", "")},
                             {"usage", complete.value("usage", nlohmann::json::object())},
                             {"timings", complete.value("timings", nlohmann::json::object())}}}}}}));
      stream->end();
    };
    out.failed = [stream](int status, const std::string &message) {
      stream->write(sse({{"event", "error"}, {"data", {{"message", message}, {"status_code", status}}}}));
      stream->end();
    };
    ctx.ledger.watch(out, who, ask.session_id);
    auto stop = ctx.turns.run(ask.session_id, who, ask.in, std::move(out));
    stream->on_abandoned(std::move(stop));
  };
  return r;
}

// /v1/chat/voice and /v1/chat/unified: one UnifiedChatResponse when the
// turn is over.
Response answer_chat(const ChatContext &ctx, const Call &c, bool text_field, bool audio_required) {
  Response refusal;
  auto ask = ask_of(c, ctx, text_field, true, audio_required, refusal);
  if (!ask) return refusal;
  const auto who = c.who;
  Response r;
  r.defer = [&ctx, who, ask = std::move(*ask)](std::shared_ptr<server::Reply> reply) {
    struct Collected {
      std::mutex mutex;
      std::vector<std::int16_t> samples;
      nlohmann::json transcript;
      nlohmann::json tools = nlohmann::json::array();
    };
    auto got = std::make_shared<Collected>();
    server::TurnOutput out;
    if (ask.expect_audio) {
      out.samples = [got](std::vector<std::int16_t> samples) {
        std::lock_guard lock(got->mutex);
        got->samples.insert(got->samples.end(), samples.begin(), samples.end());
      };
    }
    out.transcript = [got](const nlohmann::json &t) {
      std::lock_guard lock(got->mutex);
      got->transcript = t;
    };
    out.tool = [got](const nlohmann::json &e) {
      std::lock_guard lock(got->mutex);
      got->tools.push_back(tool_event(e));
    };
    const std::uint32_t rate = ctx.sample_rate;
    out.done = [reply, got, ask, rate](const nlohmann::json &complete) {
      nlohmann::json body = {{"content", complete.value("assistant_text", "")},
                             {"metadata",
                              {{"session_id", ask.session_id},
                               {"provider", complete.value("llm_provider", "")},
                               {"timings", complete.value("timings", nlohmann::json::object())}}},
                             {"assistant_language", ask.language}};
      std::lock_guard lock(got->mutex);
      body["tool_events"] = got->tools;
      body["metadata"]["usage"] = complete.value("usage", nlohmann::json::object());
      if (!got->transcript.is_null()) {
        body["transcript"] = got->transcript.value("text", "");
        body["stt_confidence"] = got->transcript.value("confidence", 0.0);
        body["stt_language"] = ask.language;
      }
      if (!got->samples.empty()) {
        body["audio_b64"] = sdk::base64_encode(sdk::wav_file(got->samples.data(), got->samples.size(), rate));
        body["audio_sample_rate"] = rate;
      } else if (ask.expect_audio) {
        body["audio_b64"] = nullptr;
        body["metadata"]["audio_error"] = "no tts provider could speak the answer";
      }
      reply->send({200, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), {}});
    };
    out.failed = [reply](int status, const std::string &message) { reply->send(error_body(status, message)); };
    ctx.ledger.watch(out, who, ask.session_id);
    auto stop = ctx.turns.run(ask.session_id, who, ask.in, std::move(out));
    reply->on_abandoned(std::move(stop));
  };
  return r;
}

}  // namespace

std::vector<std::string> llm_names(const sb_providers_ext *providers) {
  std::vector<std::string> names;
  if (providers == nullptr) return names;
  server::SinkText text;
  server::ExtError f;
  if (providers->view(providers->ctx, text.sink(), &f.error) != SB_OK) return names;
  const auto view = nlohmann::json::parse(text.value, nullptr, false);
  if (!view.is_object()) return names;
  const auto llm = view.value("providers", nlohmann::json::object()).value("llm", nlohmann::json::object());
  for (const auto &p : llm.value("providers", nlohmann::json::array())) {
    names.push_back(p.value("name", ""));
    if (p.contains("model")) names.push_back(p.value("model", ""));
  }
  return names;
}

nlohmann::json tool_event(const nlohmann::json &e) {
  nlohmann::json out = {{"tool", e.value("tool", "")},
                        {"status", e.value("status", "")},
                        {"args", e.value("args", nlohmann::json::object())}};
  for (const char *key : {"latency_ms", "result_preview", "error_message"}) {
    if (e.contains(key)) out[key] = e[key];
  }
  return out;
}

nlohmann::json answer_options(const ChatContext &context, const std::string &model, bool tools) {
  return {{"llm_provider", model}, {"tools", tools}, {"documents", context.documents}};
}

void add_chat_routes(server::Router &router, const ChatContext &context) {
  const ChatContext *ctx = &context;
  const server::RouteOptions changes{.changes_state = true, .url_credentials = true};
  router.add(
      "POST", "/v1/chat/stream", Access::user, [ctx](const Call &c) { return stream_chat(*ctx, c); }, changes);
  router.add(
      "POST", "/v1/chat/voice", Access::user, [ctx](const Call &c) { return answer_chat(*ctx, c, false, true); },
      changes);
  router.add(
      "POST", "/v1/chat/unified", Access::user, [ctx](const Call &c) { return answer_chat(*ctx, c, true, false); },
      changes);
}

}  // namespace youworker
