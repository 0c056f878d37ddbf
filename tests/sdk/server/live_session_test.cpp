// A live session over a recording sessions extension: who it attaches as,
// what reaches the handlers, and what closing does and undoes.
#include "switchboard/server/live_session.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace switchboard::server {
namespace {

// The extension's side: what was called, in order.
struct Recorder {
  sb_sessions_ext ext{};
  const sb_session_events *events = nullptr;
  std::vector<std::string> calls;
  std::string refuse;  // attach_as fails with this
};

Recorder &of(void *p) {
  return *static_cast<Recorder *>(p);
}

void install(Recorder &r) {
  r.ext.struct_size = sizeof r.ext;
  r.ext.ctx = &r;
  r.ext.attach_as = [](void *ctx, const char *id, const char *owner, bool any_owner, const sb_session_events *events,
                       sb_sink id_out, sb_error *err) -> void * {
    auto &rec = of(ctx);
    rec.calls.push_back(std::string("attach ") + id + " as " + owner + (any_owner ? " (admin)" : ""));
    if (!rec.refuse.empty()) {
      sb_error_set(err, rec.refuse.c_str());
      return nullptr;
    }
    rec.events = events;
    const std::string made = *id != 0 ? id : "made-1";
    id_out.write(id_out.user, made.data(), made.size());
    return &rec;
  };
  r.ext.push_audio = [](void *a, const std::uint8_t *bytes, std::size_t size, std::uint32_t rate,
                        sb_error *err) -> sb_status {
    const std::string got(reinterpret_cast<const char *>(bytes), size);
    of(a).calls.push_back("push " + got + " @" + std::to_string(rate));
    if (got == "bad") {
      sb_error_set(err, "not audio");
      return SB_INVALID_INPUT;
    }
    return SB_OK;
  };
  r.ext.end_audio = [](void *a) { of(a).calls.push_back("end_audio"); };
  r.ext.send_text = [](void *a, const char *text, bool speak) {
    of(a).calls.push_back(std::string("text ") + text + (speak ? " spoken" : ""));
  };
  r.ext.interrupt = [](void *a) { of(a).calls.push_back("interrupt"); };
  r.ext.detach = [](void *a) {
    of(a).calls.push_back("detach");
    of(a).events = nullptr;
  };
  r.ext.dropped_samples = [](void *) -> std::uint64_t { return 7; };
}

Identity as(Role role, const std::string &subject) {
  Identity who;
  who.role = role;
  who.subject = subject;
  return who;
}

TEST(LiveSession, AttachesAsItsSubjectAndPassesEventsAudioAndReplacement) {
  Recorder r;
  install(r);
  std::vector<std::string> seen;
  LiveHandlers h;
  h.event = [&](const nlohmann::json &e) { seen.push_back(e.value("type", "?")); };
  h.audio = [&](const std::int16_t *, std::size_t count, std::uint32_t rate) {
    seen.push_back("audio " + std::to_string(count) + " @" + std::to_string(rate));
  };
  h.replaced = [&] { seen.push_back("replaced"); };
  std::string error;
  auto live = LiveSession::open(r.ext, "", as(Role::user, "key-a"), h, error);
  ASSERT_TRUE(live) << error;
  EXPECT_EQ(live->session_id(), "made-1");
  EXPECT_EQ(r.calls.front(), "attach  as key-a");

  const std::string state = R"({"type":"state","to":"listening"})";
  r.events->on_event(r.events->user, state.data(), state.size());
  r.events->on_event(r.events->user, "{not json", 9);  // dropped, not passed on half-read
  const std::int16_t samples[3] = {1, 2, 3};
  r.events->on_audio(r.events->user, samples, 3, 24000);
  r.events->on_replaced(r.events->user);
  EXPECT_EQ(seen, (std::vector<std::string>{"state", "audio 3 @24000", "replaced"}));
}

TEST(LiveSession, PushesSayInterruptsAndReportsWhyAudioWasRefused) {
  Recorder r;
  install(r);
  std::string error;
  auto live = LiveSession::open(r.ext, "s-1", as(Role::admin, ""), {}, error);
  ASSERT_TRUE(live) << error;
  EXPECT_TRUE(live->push("pcm", 16000, error));
  EXPECT_FALSE(live->push("bad", 16000, error));
  EXPECT_EQ(error, "not audio");
  live->say("hi", true);
  live->interrupt();
  EXPECT_EQ(live->dropped_samples(), 7U);
  EXPECT_EQ(r.calls, (std::vector<std::string>{"attach s-1 as  (admin)", "push pcm @16000", "push bad @16000",
                                               "text hi spoken", "interrupt"}));
}

TEST(LiveSession, ClosingEndsTheAudioThenDetachesOnceAndLaterCallsDoNothing) {
  Recorder r;
  install(r);
  std::string error;
  auto live = LiveSession::open(r.ext, "s-2", as(Role::user, "u"), {}, error);
  ASSERT_TRUE(live);
  live->close();
  live->close();
  EXPECT_FALSE(live->push("pcm", 16000, error));
  live->say("late", false);
  live->interrupt();
  live->end_audio();
  live.reset();
  EXPECT_EQ(r.calls, (std::vector<std::string>{"attach s-2 as u", "end_audio", "detach"}));
  EXPECT_EQ(r.events, nullptr);
}

TEST(LiveSession, ARefusalIsTheExtensionsReason) {
  Recorder r;
  install(r);
  r.refuse = "owned";
  std::string error;
  EXPECT_FALSE(LiveSession::open(r.ext, "theirs", as(Role::user, "u"), {}, error));
  EXPECT_EQ(error, "owned");
}

}  // namespace
}  // namespace switchboard::server
