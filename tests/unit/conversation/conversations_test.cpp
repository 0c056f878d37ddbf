// Sessions as a whole: made on first use, kept by the SQLite store across a
// restart, expired when idle (but not while a turn runs), deleted.
#include "conversation/conversations.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/conversation_harness.hpp"
#include "support/done_signal.hpp"
#include "support/scratch.hpp"

namespace switchboard::conversation {
namespace {

using test::ConversationHarness;
using test::Recorder;

const char *kChains =
    "llm:\n"
    "  - {name: scripted, plugin: llm-scripted, config: {reply: \"Sleep is good.\"}}\n"
    "tts:\n"
    "  - {name: tone, plugin: tts-tone, config: {ms_per_char: 50, chunk_interval_ms: 20}}\n"
    "sessions: {idle_timeout_seconds: 60}\n";

void run_text_turn(Conversations &c, const std::string &id, const std::string &text) {
  auto rec = std::make_shared<Recorder>();
  auto session = c.session(id);
  session->attach(rec);
  session->send_text(text, false);
  ASSERT_TRUE(rec->wait_completes(1));
  session->detach(rec.get());
}

TEST(Conversations, SessionsSurviveARestartWithTheSqliteStore) {
  const auto db = test::scratch_file("conversations-test", "restart", ".db");
  {
    ConversationHarness h(kChains, store::sqlite_store(db.string()));
    run_text_turn(*h.conversations, "kept", "first question");
  }
  ConversationHarness h(kChains, store::sqlite_store(db.string()));
  auto before = h.conversations->get("kept");
  ASSERT_TRUE(before) << "the session came back from the database";
  EXPECT_FALSE(before->live);
  ASSERT_EQ(before->record.history.size(), 2u);
  EXPECT_EQ(before->record.history[0].text, "first question");
  EXPECT_EQ(before->record.history[1].text, "Sleep is good.");

  run_text_turn(*h.conversations, "kept", "second question");
  const auto after = h.conversations->get("kept");
  ASSERT_EQ(after->record.history.size(), 4u) << "the conversation went on where it was";
  EXPECT_EQ(after->record.stats.pairs, 2);
  std::filesystem::remove(db);
}

TEST(Conversations, IdleSessionsExpireButNotWhileATurnRuns) {
  ConversationHarness h(kChains);
  run_text_turn(*h.conversations, "idle", "hello");
  auto busy = h.conversations->session("busy");
  auto rec = std::make_shared<Recorder>();
  busy->attach(rec);
  busy->send_text("speak for a while", true);  // 50 ms of tone per character, paced: seconds of speech
  ASSERT_TRUE(rec->wait([&] { return rec->audio_chunks > 0; }));

  const double now = h.wall_now();
  EXPECT_EQ(h.conversations->expire_idle(now + 30), 0u) << "within the timeout";
  EXPECT_EQ(h.conversations->expire_idle(now + 61), 1u);
  EXPECT_FALSE(h.conversations->get("idle"));
  EXPECT_EQ(h.conversations->find("idle"), nullptr);
  ASSERT_TRUE(h.conversations->get("busy")) << "a session in a turn is not idle";
  EXPECT_EQ(h.conversations->find("busy"), busy);
  busy->interrupt();
  ASSERT_TRUE(rec->wait_completes(1));
}

TEST(Conversations, DeleteEndsTheLiveSessionAndForgetsIt) {
  ConversationHarness h(kChains);
  run_text_turn(*h.conversations, "gone", "hello");
  EXPECT_EQ(h.conversations->list().size(), 1u);
  EXPECT_TRUE(h.conversations->remove("gone"));
  EXPECT_FALSE(h.conversations->get("gone"));
  EXPECT_FALSE(h.conversations->remove("gone"));
  EXPECT_TRUE(h.conversations->list().empty());
}

TEST(Conversations, SessionsRemovedBeforeTheEndHaveClosedWhenItEnds) {
  ConversationHarness h(kChains);  // two workers
  auto session = h.conversations->session("leaving");
  // Both workers busy: the close that remove_all queues cannot run yet.
  test::DoneSignal release, both_busy;
  std::atomic<int> busy{0};
  for (int i = 0; i < 2; ++i) {
    h.executor.post([&] {
      if (++busy == 2) both_busy.set();
      EXPECT_TRUE(release.wait());
    });
  }
  ASSERT_TRUE(both_busy.wait());
  h.conversations->remove_all();
  test::DoneSignal destroyed;
  bool closed_when_destroyed = false;
  std::thread destroyer([&] {
    h.conversations.reset();  // its store goes with it: the close must have run
    closed_when_destroyed = session->wait_closed(std::chrono::milliseconds(0));
    destroyed.set();
  });
  EXPECT_FALSE(destroyed.wait(std::chrono::seconds(1))) << "the end waits for the close still queued";
  release.set();
  destroyer.join();
  EXPECT_TRUE(closed_when_destroyed);
}

TEST(Conversations, ClearHistoryKeepsTheSession) {
  ConversationHarness h(kChains);
  run_text_turn(*h.conversations, "s", "hello");
  EXPECT_TRUE(h.conversations->clear_history("s"));
  const auto view = h.conversations->get("s");
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->record.history.empty());
  EXPECT_FALSE(h.conversations->clear_history("nobody"));
}

TEST(Conversations, AnEmptyIdMakesANewSession) {
  ConversationHarness h(kChains);
  const auto a = h.conversations->session();
  const auto b = h.conversations->session();
  EXPECT_NE(a->id(), b->id());
  EXPECT_EQ(a->id().size(), 36u);
  EXPECT_EQ(h.conversations->session(a->id()), a);
}

}  // namespace
}  // namespace switchboard::conversation
