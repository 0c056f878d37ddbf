// Turns through a session with the scripted providers: text and voice turns,
// their events and order, interrupts, the during-turn rule, the caches and
// failures.
#include "conversation/session.hpp"

#include <gtest/gtest.h>

#include "support/conversation_harness.hpp"
#include "support/testdata.hpp"

namespace switchboard::conversation {
namespace {

using test::ConversationHarness;
using test::Recorder;

std::string chains_yaml(const std::string &reply, const std::string &tts_config, const std::string &extra = "") {
  return "stt:\n"
         "  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"how do babies sleep\"]}}\n"
         "llm:\n"
         "  - {name: scripted, plugin: llm-scripted, config: {reply: \"" +
         reply +
         "\"}}\n"
         "tts:\n"
         "  - {name: tone, plugin: tts-tone, config: " +
         tts_config + "}\n" + extra;
}

const std::string kTwoSentences = "Babies sleep a lot. Most need fourteen hours a day.";

std::size_t index_of(const std::vector<std::string> &log, const std::string &entry, std::size_t from = 0) {
  for (std::size_t i = from; i < log.size(); ++i) {
    if (log[i] == entry) return i;
  }
  return log.size();
}

TEST(Session, TextTurnWithAudioStreamsTextThenAudioThenCompletesWithTimings) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 10}"));
  auto session = h.conversations->session("s1");
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("how long do babies sleep", true);
  ASSERT_TRUE(rec->wait_completes(1));
  ASSERT_TRUE(rec->wait([&] { return rec->states.size() >= 4 && rec->states.back() == State::listening; }));

  rec->read([&] {
    EXPECT_EQ(rec->text, kTwoSentences);
    // Speech at 10 ms per character, every sentence of the answer.
    EXPECT_EQ(
        rec->audio_samples,
        (std::string("Babies sleep a lot.").size() + std::string("Most need fourteen hours a day.").size()) * 160);
    const auto &c = rec->completes.front();
    EXPECT_FALSE(c.interrupted);
    EXPECT_TRUE(c.with_audio);
    EXPECT_EQ(c.assistant_text, kTwoSentences);
    EXPECT_EQ(c.llm_provider, "scripted");
    EXPECT_GE(c.timings.first_token_ms, 0);
    EXPECT_GE(c.timings.first_audio_ms, c.timings.first_token_ms);
    EXPECT_GE(c.timings.total_ms, c.timings.first_audio_ms);
    // Text streams before the audio it becomes; the turn completes last.
    const auto first_text = index_of(rec->log, "text");
    const auto first_audio = index_of(rec->log, "audio");
    EXPECT_LT(first_text, first_audio);
    EXPECT_LT(first_audio, index_of(rec->log, "complete"));
    EXPECT_EQ(rec->states,
              (std::vector<State>{State::idle, State::listening, State::thinking, State::speaking, State::listening}));
    for (const auto &id : rec->session_ids) EXPECT_EQ(id, "s1");
  });

  const auto record = h.conversations->get("s1");
  ASSERT_TRUE(record);
  ASSERT_EQ(record->record.history.size(), 2u);
  EXPECT_EQ(record->record.history[0].role, "user");
  EXPECT_EQ(record->record.history[0].text, "how long do babies sleep");
  EXPECT_EQ(record->record.history[1].text, kTwoSentences);
  EXPECT_EQ(record->record.stats.pairs, 1);
}

TEST(Session, TextOnlyTurnSendsNoAudio) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("hello", false);
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    EXPECT_EQ(rec->text, kTwoSentences);
    EXPECT_EQ(rec->audio_chunks, 0u);
    EXPECT_FALSE(rec->completes.front().with_audio);
    EXPECT_LT(rec->completes.front().timings.first_audio_ms, 0);
  });
}

TEST(Session, InterruptWhileSpeakingStopsAudioAtOnceAndTheNextTurnWorks) {
  // 1 s of speech per sentence, one 20 ms chunk every 10 ms: speaking lasts.
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 50, chunk_interval_ms: 10}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("first question", true);
  ASSERT_TRUE(rec->wait([&] { return rec->audio_chunks >= 3; }));

  session->interrupt();
  // A chunk being delivered as interrupt() ran may still land; none after it.
  const std::size_t after_interrupt = rec->read([&] { return rec->audio_chunks; });
  ASSERT_TRUE(rec->wait([&] { return rec->acks == 1 && !rec->completes.empty(); }));
  ASSERT_TRUE(rec->wait([&] { return rec->states.back() == State::listening; }));
  const std::size_t at_ack = rec->read([&] { return rec->audio_chunks; });
  EXPECT_LE(at_ack, after_interrupt + 1);
  rec->read([&] {
    EXPECT_TRUE(rec->completes.front().interrupted);
    const std::size_t whole_answer = (kTwoSentences.size() - 1) * 50 * 16;  // 50 ms per character, 16 kHz
    EXPECT_LT(rec->audio_samples, whole_answer / 2);
  });

  session->send_text("second question", false);
  ASSERT_TRUE(rec->wait_completes(2));
  rec->read([&] {
    EXPECT_EQ(rec->audio_chunks, at_ack) << "no audio of the interrupted turn after the ack";
    EXPECT_FALSE(rec->completes[1].interrupted);
    EXPECT_EQ(rec->completes[1].assistant_text, kTwoSentences);
  });
}

TEST(Session, MessageDuringATurnInterruptsItByDefault) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 50, chunk_interval_ms: 10}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("first", true);
  ASSERT_TRUE(rec->wait([&] { return rec->audio_chunks >= 1; }));
  session->send_text("second", false);
  ASSERT_TRUE(rec->wait_completes(2));
  rec->read([&] {
    EXPECT_TRUE(rec->completes[0].interrupted);
    EXPECT_EQ(rec->completes[0].user_text, "first");
    EXPECT_FALSE(rec->completes[1].interrupted);
    EXPECT_EQ(rec->completes[1].user_text, "second");
  });
}

TEST(Session, MessageDuringATurnWaitsWhenTheRuleIsQueue) {
  ConversationHarness h(
      chains_yaml(kTwoSentences, "{ms_per_char: 5, chunk_interval_ms: 2}", "conversation: {during_turn: queue}\n"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("first", true);
  session->send_text("second", true);
  ASSERT_TRUE(rec->wait_completes(2));
  rec->read([&] {
    EXPECT_FALSE(rec->completes[0].interrupted);
    EXPECT_FALSE(rec->completes[1].interrupted);
    EXPECT_EQ(rec->completes[0].user_text, "first");
    EXPECT_EQ(rec->completes[1].user_text, "second");
    EXPECT_EQ(rec->completes[1].assistant_text, kTwoSentences);
  });
}

TEST(Session, RepeatedSentencesAreSpokenFromTheCache) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 10}", "cache: {plugin: cache-memory}\n"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("one", true);
  ASSERT_TRUE(rec->wait_completes(1));
  const auto tts_calls = h.provider("tts", "tone").stats.calls.load();
  const std::size_t first_samples = rec->read([&] { return rec->audio_samples; });
  session->send_text("two", true);
  ASSERT_TRUE(rec->wait_completes(2));
  EXPECT_EQ(h.provider("tts", "tone").stats.calls.load(), tts_calls) << "the second answer came from the cache";
  EXPECT_EQ(rec->read([&] { return rec->audio_samples; }), 2 * first_samples);
}

TEST(Session, AnswersComeFromTheCacheOnlyWhenEnabled) {
  ConversationHarness h(
      chains_yaml(kTwoSentences, "{}", "cache: {plugin: cache-memory}\nconversation: {cache_llm_answers: true}\n"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("What is  sleep?", false);
  ASSERT_TRUE(rec->wait_completes(1));
  session->send_text("what is sleep?", false);
  ASSERT_TRUE(rec->wait_completes(2));
  rec->read([&] {
    EXPECT_EQ(rec->completes[0].llm_provider, "scripted");
    EXPECT_EQ(rec->completes[1].llm_provider, "cache");
    EXPECT_EQ(rec->completes[1].assistant_text, kTwoSentences);
  });
}

TEST(Session, LlmFailureReportsAnErrorAndTheTurnStillCompletes) {
  ConversationHarness h(
      "llm:\n"
      "  - {name: broken, plugin: llm-scripted, config: {reply: \"never\", fail_after_tokens: 0, fail_status: fatal}}\n"
      "tts:\n"
      "  - {name: tone, plugin: tts-tone}\n");
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("anything", true);
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    ASSERT_EQ(rec->errors, std::vector<std::string>{"llm_failed"});
    EXPECT_TRUE(rec->completes[0].assistant_text.empty());
    EXPECT_EQ(rec->completes[0].assistant_id, "");
  });
  ASSERT_TRUE(rec->wait([&] { return rec->states.back() == State::listening; }));
}

TEST(Session, EmptyTextIsRefusedWithAnError) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("  \n", false);
  session->send_text("real", false);
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    EXPECT_EQ(rec->errors, std::vector<std::string>{"empty_message"});
    EXPECT_EQ(rec->completes[0].user_text, "real");
  });
}

TEST(Session, VoiceTurnGoesFromAudioToTranscriptToSpeech) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 5}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  const auto wav = test::speech_bytes("sleep.wav");
  std::string error;
  ASSERT_TRUE(session->push_audio(wav, error)) << error;
  session->end_audio();
  ASSERT_TRUE(rec->wait_completes(1));
  ASSERT_TRUE(rec->wait([&] { return rec->states.back() == State::listening; }));
  rec->read([&] {
    EXPECT_EQ(rec->finals, std::vector<std::string>{"how do babies sleep"});
    EXPECT_EQ(rec->metrics, 1);
    const auto &c = rec->completes.front();
    EXPECT_EQ(c.user_text, "how do babies sleep");
    EXPECT_GE(c.timings.transcript_ms, 0);
    EXPECT_GT(rec->audio_samples, 0u);
    // Speech is heard, then the transcript, then the answer.
    EXPECT_LT(index_of(rec->log, "metrics"), index_of(rec->log, "final"));
    EXPECT_LT(index_of(rec->log, "final"), index_of(rec->log, "text"));
  });
}

// Ended audio is heard out: after the final transcript of its utterance
// (heard), or at once when it held no speech (nothing heard), so an API
// that answers a request can tell "nothing was said" from "still working".
TEST(Session, EndedAudioIsReportedHeardOutWithOrWithoutWords) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 1}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  std::string error;
  ASSERT_TRUE(session->push_audio(test::speech_bytes("silence-2s.wav"), error)) << error;
  session->end_audio();
  ASSERT_TRUE(rec->wait([&] { return !rec->audio_done.empty(); }));
  rec->read([&] {
    EXPECT_EQ(rec->audio_done, std::vector<bool>{false});
    EXPECT_TRUE(rec->finals.empty());
  });
  ASSERT_TRUE(session->push_audio(test::speech_bytes("sleep.wav"), error)) << error;
  session->end_audio();
  ASSERT_TRUE(rec->wait([&] { return rec->audio_done.size() == 2; }));
  rec->read([&] {
    EXPECT_EQ(rec->audio_done, (std::vector<bool>{false, true}));
    EXPECT_LT(index_of(rec->log, "final"), index_of(rec->log, "audio done heard")) << "the words come first";
  });
}

// The first stt provider delivers its final and then fails: the second
// transcribes the utterance again. The user's words are there once.
TEST(Session, AnSttProviderFailingAfterItsFinalLeavesEachWordOnceInTheTranscriptAndTheQuestion) {
  ConversationHarness h(
      "stt:\n"
      "  - {name: first, plugin: stt-scripted, config: {transcripts: [\"how do babies sleep\"], fail_after_final: "
      "true}}\n"
      "  - {name: second, plugin: stt-scripted, config: {transcripts: [\"how do babies sleep\"]}}\n"
      "llm:\n"
      "  - {name: echo, plugin: llm-scripted, config: {reply: \"Like logs.\"}}\n"
      "tts:\n"
      "  - {name: tone, plugin: tts-tone, config: {ms_per_char: 1}}\n");
  auto session = h.conversations->session("s1");
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  std::string error;
  ASSERT_TRUE(session->push_audio(test::speech_bytes("sleep.wav"), error)) << error;
  session->end_audio();
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    EXPECT_EQ(rec->finals, std::vector<std::string>{"how do babies sleep"});
    EXPECT_EQ(rec->completes.front().user_text, "how do babies sleep");
  });
  const auto record = h.conversations->get("s1");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->record.history.at(0).text, "how do babies sleep") << "the llm was asked it once";
}

// The tts provider fails in the middle of the second sentence: the rest of
// it comes from the next provider, nothing is sent twice, the client is told.
TEST(Session, ATtsProviderFailingMidSentenceIsResumedWithoutRepeatingAudio) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{ms_per_char: 10, fail_on: Most, fail_after_chunks: 9}",
                                    "  - {name: spare, plugin: tts-tone, config: {ms_per_char: 10}}\n"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("how long do babies sleep", true);
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    // 9 chunks of 20 ms = 180 ms of "Most need ...": "Most " (50 ms) and
    // "need " (50 ms) were heard whole, "fourteen" had begun.
    EXPECT_EQ(rec->resumed, std::vector<std::string>{"fourteen hours a day."});
    EXPECT_EQ(rec->audio_samples,
              (std::string("Babies sleep a lot.").size() + std::string("Most need fourteen hours a day.").size()) * 160)
        << "every sample sent is heard once";
    EXPECT_TRUE(rec->errors.empty());
    EXPECT_FALSE(rec->completes.front().interrupted);
  });
}

// A hedge that starts and fails before its first byte answered nothing: the
// turn names the provider whose words the user got.
TEST(Session, TheTurnNamesTheProviderThatAnsweredNotAFailedHedge) {
  ConversationHarness h(
      "llm:\n"
      "  - name: primary\n"
      "    plugin: llm-scripted\n"
      "    hedge_after_ms: 20\n"
      "    config: {reply: \"From the primary.\", first_token_ms: 150}\n"
      "  - {name: hedge, plugin: llm-scripted, config: {reply: \"x\", fail_after_tokens: 0}}\n");
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("hello", false);
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    EXPECT_EQ(rec->completes.front().assistant_text, "From the primary.");
    EXPECT_EQ(rec->completes.front().llm_provider, "primary");
  });
}

TEST(Session, CorruptAudioIsRefusedAndTheSessionGoesOn) {
  ConversationHarness h(chains_yaml(kTwoSentences, "{}"));
  auto session = h.conversations->session();
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  std::vector<std::uint8_t> bad = {'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E', 'j', 'u', 'n', 'k'};
  std::string error;
  EXPECT_FALSE(session->push_audio(bad, error));
  EXPECT_FALSE(error.empty());
  session->send_text("still there?", false);
  ASSERT_TRUE(rec->wait_completes(1));
}

}  // namespace
}  // namespace switchboard::conversation
