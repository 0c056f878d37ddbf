// A session's audio path lives while a client sends audio: it goes when the
// last client leaves between utterances, stays through a reconnect in the
// middle of one, and comes back with the next audio.
#include <algorithm>
#include <atomic>

#include <gtest/gtest.h>

#include "conversation/session.hpp"
#include "support/conversation_harness.hpp"
#include "support/done_signal.hpp"
#include "support/testdata.hpp"
#include "switchboard/sdk/wav.hpp"

namespace switchboard::conversation {
namespace {

using test::ConversationHarness;
using test::Recorder;

const char *kChains =
    "stt: [{name: scripted, plugin: stt-scripted, config: {transcripts: [\"how do babies sleep\"]}}]\n"
    "llm: [{name: scripted, plugin: llm-scripted, config: {reply: \"A lot.\"}}]\n"
    "tts: [{name: tone, plugin: tts-tone, config: {ms_per_char: 1}}]\n";

// Attaches a new client and waits for its first event: everything posted
// to the session's strand before (a detach) has run.
std::shared_ptr<Recorder> attach_and_settle(Session &session) {
  auto rec = std::make_shared<Recorder>();
  session.attach(rec);
  EXPECT_TRUE(rec->wait([&] { return !rec->states.empty(); }));
  return rec;
}

std::string pcm(const std::vector<std::int16_t> &samples, std::size_t from, std::size_t to) {
  return sdk::pcm_bytes(samples.data() + from, to - from);
}

bool push(Session &session, const std::string &bytes) {
  std::string error;
  const bool ok = session.push_audio({reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size()}, error);
  EXPECT_TRUE(ok) << error;
  return ok;
}

TEST(SessionAudioPath, GoesWhenTheLastClientLeavesBetweenUtterancesAndComesBackWithAudio) {
  ConversationHarness h(kChains);
  auto session = h.conversations->session();
  EXPECT_FALSE(session->holds_audio_path()) << "made by the first audio, not at connect";
  auto rec = attach_and_settle(*session);
  const auto samples = test::speech_samples("sleep.wav");
  ASSERT_TRUE(push(*session, pcm(samples, 0, samples.size())));
  session->end_audio();
  ASSERT_TRUE(rec->wait_completes(1));
  EXPECT_TRUE(session->holds_audio_path());

  session->detach(rec.get());
  auto next = attach_and_settle(*session);
  EXPECT_FALSE(session->holds_audio_path()) << "nobody was left to send audio";

  // The next client speaks: a new path hears it as the first one did.
  ASSERT_TRUE(push(*session, pcm(samples, 0, samples.size())));
  session->end_audio();
  ASSERT_TRUE(next->wait_completes(1));
  EXPECT_TRUE(session->holds_audio_path());
  next->read([&] { EXPECT_EQ(next->finals, std::vector<std::string>{"how do babies sleep"}); });
}

TEST(SessionAudioPath, StaysThroughAReconnectInTheMiddleOfAnUtterance) {
  ConversationHarness h(kChains);
  auto session = h.conversations->session();
  auto rec = attach_and_settle(*session);
  const auto samples = test::speech_samples("sleep.wav");
  const std::size_t half = samples.size() / 2 / audio::kFrameSamples * audio::kFrameSamples;
  ASSERT_TRUE(push(*session, pcm(samples, 0, half)));
  session->detach(rec.get());
  auto next = attach_and_settle(*session);
  rec->read([&] {
    ASSERT_NE(std::find(rec->log.begin(), rec->log.end(), "vad"), rec->log.end()) << "speech had begun";
    EXPECT_EQ(rec->metrics, 0) << "the utterance was still open";
  });
  EXPECT_TRUE(session->holds_audio_path()) << "the utterance goes on after the reconnect";

  ASSERT_TRUE(push(*session, pcm(samples, half, samples.size())));
  session->end_audio();
  ASSERT_TRUE(next->wait_completes(1));
  next->read([&] {
    EXPECT_EQ(next->metrics, 1) << "one utterance, heard across both clients";
    EXPECT_EQ(next->finals, std::vector<std::string>{"how do babies sleep"});
  });
}

// A client that holds the session's strand inside one of its events until
// the test lets go, so the test can line things up behind it.
class HoldingClient : public SessionObserver {
 public:
  void hold_next_event() { holding_ = true; }
  void on_event(const Event &) override {
    if (!holding_.exchange(false)) return;
    held.set();
    let_go.wait();
  }
  test::DoneSignal held;
  test::DoneSignal let_go;

 private:
  std::atomic<bool> holding_{false};
};

TEST(SessionAudioPath, StaysWhenAnotherClientSentAudioBeforeTheLastOneLeft) {
  ConversationHarness h(kChains);
  auto session = h.conversations->session();
  auto old_client = std::make_shared<HoldingClient>();
  session->attach(old_client);
  const auto silence = test::speech_samples("silence-2s.wav");
  ASSERT_TRUE(push(*session, pcm(silence, 0, silence.size())));
  old_client->hold_next_event();
  session->interrupt();  // its acknowledgement holds the strand
  ASSERT_TRUE(old_client->held.wait());
  // Behind it: the old client leaves; a new one comes and sends at once.
  session->detach(old_client.get());
  auto new_client = std::make_shared<Recorder>();
  session->attach(new_client);
  ASSERT_TRUE(push(*session, pcm(silence, 0, silence.size())));
  old_client->let_go.set();
  ASSERT_TRUE(new_client->wait([&] { return !new_client->states.empty(); }));
  EXPECT_TRUE(session->holds_audio_path()) << "the new client's audio is in it";

  // Left alone by the new client too, once its audio was heard.
  session->detach(new_client.get());
  attach_and_settle(*session);
  EXPECT_FALSE(session->holds_audio_path());
}

}  // namespace
}  // namespace switchboard::conversation
