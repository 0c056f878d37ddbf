#include <chrono>
#include <future>

#include "chat_routes.hpp"
#include "switchboard/sdk/base64.hpp"
#include "switchboard/server/ext_call.hpp"
#include "switchboard/server/validation.hpp"

namespace poppins {

namespace server = switchboard::server;
using server::Access;
using server::Call;
using server::Response;

Response detail(int status, const std::string &message) {
  return {status, "application/json", nlohmann::json{{"detail", message}}.dump(), {}};
}

namespace {

Response json(int status, const nlohmann::json &body) {
  return {status, "application/json", body.dump(), {}};
}

// A request body refused as the API's framework (FastAPI) refuses one:
// 422 with the field at fault.
Response invalid(const std::string &field, const std::string &msg, const std::string &type) {
  std::vector<std::string> loc = {"body"};
  if (!field.empty()) loc.push_back(field);
  return server::validation_error(loc, msg, type);
}

// A TextMessage or an AudioMessage: the one string field it needs and its
// session ("default" when none is named). Empty optional with `refusal` set
// when the body is not one.
struct Message {
  std::string value;
  std::string session_id = "default";
};

std::optional<Message> message_of(const server::Request &r, const std::string &field, Response &refusal) {
  Message m;
  if (r.method == "GET") {  // the EventSource form: ?message=...&session_id=...
    const auto v = r.query.find(field);
    if (v == r.query.end()) return refusal = invalid(field, "field required", "value_error.missing"), std::nullopt;
    m.value = v->second;
    if (const auto s = r.query.find("session_id"); s != r.query.end()) m.session_id = s->second;
  } else {
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded())
      return refusal = invalid("", "the body is not valid JSON", "value_error.jsondecode"), std::nullopt;
    if (!body.is_object()) return refusal = invalid("", "value is not a valid dict", "type_error.dict"), std::nullopt;
    const auto v = body.find(field);
    if (v == body.end()) return refusal = invalid(field, "field required", "value_error.missing"), std::nullopt;
    if (!v->is_string()) return refusal = invalid(field, "str type expected", "type_error.str"), std::nullopt;
    m.value = v->get<std::string>();
    if (const auto s = body.find("session_id"); s != body.end() && !s->is_null()) {
      if (!s->is_string()) return refusal = invalid("session_id", "str type expected", "type_error.str"), std::nullopt;
      m.session_id = s->get<std::string>();
    }
  }
  if (!server::valid_session_id(m.session_id)) {
    return refusal = detail(400, "session_id must be 1 to 128 of A-Z a-z 0-9 - . _ ~"), std::nullopt;
  }
  return m;
}

// audio_data's bytes, within the limit.
std::optional<std::string> audio_of(const std::string &base64, std::size_t max_bytes, Response &refusal) {
  auto bytes = switchboard::sdk::base64_decode(base64);
  if (!bytes) return refusal = detail(400, "audio_data is not valid base64"), std::nullopt;
  if (bytes->empty()) return refusal = detail(400, "audio_data is empty"), std::nullopt;
  if (bytes->size() > max_bytes) {
    return refusal = detail(413, "audio_data is larger than " + std::to_string(max_bytes) + " bytes"), std::nullopt;
  }
  return bytes;
}

std::string sse(const nlohmann::json &event) {
  return "data: " + event.dump() + "\n\n";
}

// A turn answered in one JSON body (ChatResponse) when it is over.
Response answer_later(Chat &chat, const Call &c, const Message &m, TurnInput in) {
  const auto who = c.who;
  Response r;
  r.defer = [&chat, who, m, in = std::move(in)](std::shared_ptr<server::Reply> reply) {
    struct Collected {
      std::mutex mutex;
      std::string audio;  // the first WAV file's header, then every sentence's samples
      std::string transcript;
    };
    auto got = std::make_shared<Collected>();
    TurnOutput out;
    out.audio = [got](std::string wav) {
      std::lock_guard lock(got->mutex);
      if (got->audio.empty()) {
        got->audio = std::move(wav);
      } else if (wav.size() > 44) {
        got->audio.append(wav, 44);  // one file: the data chunk grows
      }
    };
    out.heard = [got](const std::string &t) {
      std::lock_guard lock(got->mutex);
      got->transcript += (got->transcript.empty() ? "" : " ") + t;
    };
    const bool spoken = in.speak || !in.audio.empty();
    out.done = [reply, got, m, spoken](const nlohmann::json &complete) {
      nlohmann::json body = {{"response", complete.value("assistant_text", "")}, {"session_id", m.session_id}};
      std::lock_guard lock(got->mutex);
      if (got->audio.size() >= 44) {
        // The RIFF and data sizes of the whole.
        auto put = [&](std::size_t at, std::uint32_t v) {
          for (int i = 0; i < 4; ++i) got->audio[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
        };
        put(4, static_cast<std::uint32_t>(got->audio.size() - 8));
        put(40, static_cast<std::uint32_t>(got->audio.size() - 44));
        body["audio_data"] = switchboard::sdk::base64_encode(got->audio);
      } else {
        body["audio_data"] = nullptr;
      }
      if (spoken && !got->transcript.empty()) body["transcript"] = got->transcript;
      reply->send(json(200, body));
    };
    out.failed = [reply](int status, const std::string &message) { reply->send(detail(status, message)); };
    auto stop = chat.run(m.session_id, who, in, std::move(out));
    reply->on_abandoned(std::move(stop));
  };
  return r;
}

// A turn as Server-Sent Events: text (and, when spoken, audio) chunks as
// they come, then the completion event.
Response stream_turn(Chat &chat, const Call &c, const Message &m, bool multimodal) {
  const auto who = c.who;
  Response r;
  r.content_type = "text/event-stream";
  r.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  r.stream = [&chat, who, m, multimodal](std::shared_ptr<server::Stream> stream) {
    auto count = std::make_shared<std::atomic<int>>(0);
    const std::string id = m.session_id;
    TurnOutput out;
    out.text = [stream, count, id, multimodal](const std::string &delta) {
      if (delta.empty()) return;
      nlohmann::json e = {{"chunk", delta}, {"done", false}, {"chunk_number", ++*count}};
      if (multimodal) e["type"] = "text";
      e["session_id"] = id;
      stream->write(sse(e));
    };
    if (multimodal) {
      out.audio = [stream, count, id](std::string wav) {
        stream->write(sse({{"chunk", switchboard::sdk::base64_encode(wav)},
                           {"type", "audio"},
                           {"done", false},
                           {"chunk_number", ++*count},
                           {"session_id", id}}));
      };
    }
    out.done = [stream, count, id, multimodal](const nlohmann::json &) {
      nlohmann::json e = {{"chunk", ""}, {"done", true}, {"total_chunks", count->load()}, {"session_id", id}};
      if (multimodal) e["type"] = "complete";
      stream->write(sse(e));
      stream->end();
    };
    out.failed = [stream, count, id](int, const std::string &message) {
      stream->write(sse(
          {{"chunk", ""}, {"done", true}, {"error", message}, {"total_chunks", count->load()}, {"session_id", id}}));
      stream->end();
    };
    auto stop = chat.run(m.session_id, who, {m.value, "", multimodal, ""}, std::move(out));
    stream->on_abandoned(std::move(stop));
  };
  return r;
}

// GET /debug/test-connection: one short completion through the LLM chain,
// on a session of its own that goes afterwards.
Response probe(Chat &chat, const Call &c) {
  const auto who = c.who;
  Response r;
  r.later = [&chat, who] {
    struct Outcome {
      bool ok = false;
      std::string text, error, provider;
    };
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto result = promise->get_future();
    const std::string session = "debug-test-connection";
    TurnOutput out;
    out.done = [promise](const nlohmann::json &complete) {
      promise->set_value({true, complete.value("assistant_text", ""), "", complete.value("llm_provider", "")});
    };
    out.failed = [promise](int, const std::string &message) { promise->set_value({false, "", message, ""}); };
    const auto start = std::chrono::steady_clock::now();
    auto stop = chat.run(session, who, {"Hello! Please answer in one short sentence.", "", false, ""}, std::move(out));
    const bool in_time = result.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    if (!in_time) stop();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const Outcome o = in_time ? result.get() : Outcome{false, "", "no answer within 30 s", ""};
    switchboard::server::ExtError ignored;
    chat.sessions().remove(chat.sessions().ctx, session.c_str(), &ignored.error);
    const std::string preview = o.text.size() > 50 ? o.text.substr(0, 50) + "..." : o.text;
    nlohmann::json body = {{"connection_successful", o.ok},
                           {"response_received", o.ok && !o.text.empty()},
                           {"response_length", o.text.size()},
                           {"response_preview", preview},
                           {"timeout_reached", !in_time},
                           {"provider", o.provider},
                           {"elapsed_ms", ms}};
    if (!o.ok) body["error"] = o.error;
    return json(200, body);
  };
  return r;
}

}  // namespace

void add_chat_routes(server::Router &router, Chat &chat, std::size_t max_audio_bytes) {
  router.add("GET", "/health", Access::open, [](const Call &) {
    return json(200, {{"status", "healthy"}, {"service", "poppins-api"}});
  });
  router.add("GET", "/debug/test-connection", Access::user, [&chat](const Call &c) { return probe(chat, c); });
  for (const bool speak : {false, true}) {
    const std::string base = speak ? "/chat/multimodal" : "/chat/text";
    router.add("POST", base, Access::user,
               [&chat, speak](const Call &c) {
                 Response refusal;
                 const auto m = message_of(c.request, "message", refusal);
                 if (!m) return refusal;
                 if (m->value.find_first_not_of(" \t\r\n") == std::string::npos) return detail(400, "message is empty");
                 return answer_later(chat, c, *m, {m->value, "", speak, ""});
               },
               {.changes_state = true});
    auto stream = [&chat, speak](const Call &c) {
      Response refusal;
      const auto m = message_of(c.request, "message", refusal);
      if (!m) return refusal;
      if (m->value.find_first_not_of(" \t\r\n") == std::string::npos) return detail(400, "message is empty");
      return stream_turn(chat, c, *m, speak);
    };
    router.add("POST", base + "/stream", Access::user, stream, {.changes_state = true});
    // What a browser's EventSource can send (it has no POST).
    router.add("GET", base + "/stream", Access::user, stream);
  }
  router.add("POST", "/chat/audio", Access::user,
             [&chat, max_audio_bytes](const Call &c) {
               Response refusal;
               const auto m = message_of(c.request, "audio_data", refusal);
               if (!m) return refusal;
               const auto audio = audio_of(m->value, max_audio_bytes, refusal);
               if (!audio) return refusal;
               return answer_later(chat, c, *m, {"", *audio, true, ""});
             },
             {.changes_state = true});
}

}  // namespace poppins
