#include "app/sessions_extension.hpp"

#include <chrono>
#include <cstddef>
#include <ctime>
#include <mutex>
#include <thread>

#include "conversation/event_json.hpp"
#include "conversation/session.hpp"

namespace switchboard::app {

std::string iso8601(double seconds) {
  const auto whole = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void write(sb_sink sink, const std::string &text) {
  sink.write(sink.user, text.data(), text.size());
}

// Text that came from outside (ids, transcripts) may not be valid UTF-8:
// replaced, never thrown, so one bad session cannot break a view for all.
std::string safe_dump(const nlohmann::json &value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

// Forwards one session's events to a transport's callbacks until detached.
struct SessionsExtension::Attachment : conversation::SessionObserver {
  Attachment(const sb_session_events &e, admin::Metrics &m, admin::RecentTurns &r) : events(e), metrics(m), recent(r) {}

  void on_event(const conversation::Event &event) override {
    std::lock_guard lock(mutex);
    if (detached) return;
    calling.store(std::this_thread::get_id());
    if (const auto *audio = std::get_if<conversation::event::AudioChunk>(&event.body)) {
      events.on_audio(events.user, audio->samples.data(), audio->samples.size(), audio->sample_rate);
    } else {
      if (const auto *done = std::get_if<conversation::event::TurnComplete>(&event.body)) count(*done);
      if (const auto *error = std::get_if<conversation::event::Error>(&event.body)) {
        metrics.add("session_errors_total", 1);
        if (error->code == "llm_failed") recent.record(now_seconds(), -1, true);
      }
      const std::string text = safe_dump(conversation::event_json(event.body));
      events.on_event(events.user, text.c_str(), text.size());
    }
    calling.store(std::thread::id());
  }

  void on_replaced() override {
    std::lock_guard lock(mutex);
    replaced = true;
    if (detached) return;
    calling.store(std::this_thread::get_id());
    if (events.struct_size > offsetof(sb_session_events, on_replaced) && events.on_replaced != nullptr) {
      events.on_replaced(events.user);
    }
    calling.store(std::thread::id());
    // Nothing more reaches the replaced client.
    detached = true;
  }

  void count(const conversation::event::TurnComplete &done) {
    const auto &t = done.timings;
    const double latency = t.first_audio_ms >= 0 ? t.first_audio_ms : t.first_token_ms;
    metrics.add("turns_total", 1);
    if (latency >= 0) metrics.observe("turn_latency_ms", latency);
    admin::TurnStages stages;
    stages.stt_ms = t.transcript_ms;
    if (t.first_token_ms >= 0) stages.llm_ms = t.first_token_ms - std::max(0.0, t.transcript_ms);
    if (t.first_audio_ms >= 0 && t.first_token_ms >= 0) stages.tts_ms = t.first_audio_ms - t.first_token_ms;
    recent.record(now_seconds(), latency, false, stages, done.llm_provider);
  }

  // After this returns no callback runs (unless called from inside one).
  void detach() {
    if (calling == std::this_thread::get_id()) {
      detached = true;
      return;
    }
    std::lock_guard lock(mutex);
    detached = true;
  }

  sb_session_events events;
  admin::Metrics &metrics;
  admin::RecentTurns &recent;
  std::mutex mutex;
  std::atomic<std::thread::id> calling{};
  bool detached = false;
  std::atomic<bool> replaced{false};
};

struct SessionsExtension::Handle {
  std::shared_ptr<conversation::Session> session;
  std::shared_ptr<Attachment> attachment;
};

void *SessionsExtension::attach(const char *id, const std::string &owner, bool any_owner,
                                const sb_session_events *events, sb_sink id_out, sb_error *err) {
  auto *all = conversations();
  if (all == nullptr || events == nullptr) {
    sb_error_set(err, "sessions are not running");
    return nullptr;
  }
  try {
    auto handle = std::make_unique<Handle>();
    handle->session = all->session(id != nullptr ? id : "", owner, any_owner);
    if (!handle->session) {
      sb_error_set(err, "owned");
      return nullptr;
    }
    handle->attachment = std::make_shared<Attachment>(*events, metrics_, recent_);
    write(id_out, handle->session->id());
    handle->session->attach(handle->attachment);
    return handle.release();
  } catch (const std::exception &e) {
    sb_error_set(err, e.what());
    return nullptr;
  }
}

SessionsExtension::SessionsExtension(std::function<conversation::Conversations *()> conversations,
                                     admin::Metrics &metrics, admin::RecentTurns &recent)
    : conversations_(std::move(conversations)), metrics_(metrics), recent_(recent) {
  ext_.struct_size = sizeof ext_;
  ext_.ctx = this;
  ext_.attach = [](void *ctx, const char *id, const sb_session_events *events, sb_sink id_out,
                   sb_error *err) -> void * {
    return static_cast<SessionsExtension *>(ctx)->attach(id, "", true, events, id_out, err);
  };
  ext_.attach_as = [](void *ctx, const char *id, const char *owner, bool any_owner, const sb_session_events *events,
                      sb_sink id_out, sb_error *err) -> void * {
    return static_cast<SessionsExtension *>(ctx)->attach(id, owner != nullptr ? owner : "", any_owner, events, id_out,
                                                         err);
  };
  ext_.push_audio = [](void *h, const std::uint8_t *bytes, std::size_t size, std::uint32_t rate,
                       sb_error *err) -> sb_status {
    std::string why;
    if (static_cast<Handle *>(h)->attachment->replaced) {
      sb_error_set(err, "the session was taken by a later connection");
      return SB_INVALID_INPUT;
    }
    if (static_cast<Handle *>(h)->session->push_audio({bytes, size}, why, static_cast<int>(rate == 0 ? 16000 : rate))) {
      return SB_OK;
    }
    sb_error_set(err, why.c_str());
    return SB_INVALID_INPUT;
  };
  ext_.end_audio = [](void *h) {
    if (!static_cast<Handle *>(h)->attachment->replaced) static_cast<Handle *>(h)->session->end_audio();
  };
  ext_.send_text = [](void *h, const char *text, bool speak) {
    static_cast<Handle *>(h)->session->send_text(text != nullptr ? text : "", speak);
  };
  ext_.interrupt = [](void *h) { static_cast<Handle *>(h)->session->interrupt(); };
  ext_.set_voice = [](void *h, const char *voice) {
    static_cast<Handle *>(h)->session->set_voice(voice != nullptr ? voice : "");
  };
  ext_.configure = [](void *h, const char *options, sb_error *err) -> sb_status {
    const auto parsed = nlohmann::json::parse(options != nullptr ? options : "", nullptr, false);
    std::string why;
    if (!parsed.is_discarded() && static_cast<Handle *>(h)->session->configure(parsed, why)) return SB_OK;
    sb_error_set(err, parsed.is_discarded() ? "the options are not JSON" : why.c_str());
    return SB_INVALID_INPUT;
  };
  ext_.detach = [](void *h) {
    std::unique_ptr<Handle> handle(static_cast<Handle *>(h));
    handle->attachment->detach();
    handle->session->detach(handle->attachment.get());
  };
  ext_.list = [](void *ctx, sb_sink out, sb_error *err) -> sb_status {
    auto *all = static_cast<SessionsExtension *>(ctx)->conversations();
    if (all == nullptr) {
      sb_error_set(err, "sessions are not running");
      return SB_FATAL;
    }
    nlohmann::json sessions = nlohmann::json::array();
    for (const auto &s : all->list()) {
      sessions.push_back({{"session_id", s.id},
                          {"owner", s.owner},
                          {"created_at", iso8601(s.created_at)},
                          {"last_activity", iso8601(s.last_activity)}});
    }
    write(out, safe_dump(nlohmann::json{{"count", sessions.size()}, {"sessions", sessions}}));
    return SB_OK;
  };
  ext_.get = [](void *ctx, const char *id, sb_sink out, sb_error *err) -> sb_status {
    auto *all = static_cast<SessionsExtension *>(ctx)->conversations();
    const auto view = all != nullptr && id != nullptr ? all->get(id) : std::nullopt;
    if (!view) {
      sb_error_set(err, "Session not found");
      return SB_INVALID_INPUT;
    }
    const auto &r = view->record;
    nlohmann::json history = nlohmann::json::array();
    for (const auto &h : r.history) {
      history.push_back({{"id", h.id}, {"role", h.role}, {"text", h.text}, {"timestamp", h.timestamp}});
    }
    const nlohmann::json stats = {{"messages", r.stats.messages},
                                  {"pairs", r.stats.pairs},
                                  {"user_messages", r.stats.user_messages},
                                  {"assistant_messages", r.stats.assistant_messages},
                                  {"tokens", r.stats.tokens},
                                  {"audio_seconds", r.stats.audio_seconds}};
    write(out, safe_dump(nlohmann::json{{"session_id", r.id},
                                        {"owner", r.owner},
                                        {"created_at", iso8601(r.created_at)},
                                        {"last_activity", iso8601(r.last_activity)},
                                        {"state", conversation::to_string(view->state)},
                                        {"live", view->live},
                                        {"stats", stats},
                                        {"history", history}}));
    return SB_OK;
  };
  ext_.remove = [](void *ctx, const char *id, sb_error *err) -> sb_status {
    auto *all = static_cast<SessionsExtension *>(ctx)->conversations();
    if (all != nullptr && id != nullptr && all->remove(id)) return SB_OK;
    sb_error_set(err, "Session not found");
    return SB_INVALID_INPUT;
  };
  ext_.remove_all = [](void *ctx, sb_sink out, sb_error *) -> sb_status {
    auto *all = static_cast<SessionsExtension *>(ctx)->conversations();
    const std::size_t n = all != nullptr ? all->remove_all() : 0;
    write(out, nlohmann::json{{"deleted", n}}.dump());
    return SB_OK;
  };
  ext_.dropped_samples = [](void *h) -> std::uint64_t { return static_cast<Handle *>(h)->session->dropped_samples(); };
  ext_.active_count = [](void *ctx) -> std::size_t {
    auto *all = static_cast<SessionsExtension *>(ctx)->conversations();
    return all != nullptr ? all->live_count() : 0;
  };
}

}  // namespace switchboard::app
