// The embedded default (config/switchboard.yaml: pocketsphinx, the knowledge
// base, flite and espeak, the memory cache) in process: each recording of
// ../shared/testdata/speech goes into a session as a client would send it
// and comes back as a transcript, an answer and speech. Reports the word
// error rate over the set.
#include <iostream>

#include <gtest/gtest.h>

#include "support/conversation_harness.hpp"
#include "support/scratch.hpp"
#include "support/testdata.hpp"
#include "support/word_errors.hpp"

namespace switchboard::conversation {
namespace {

TEST(OfflineVoice, EveryRecordingGetsATranscriptAnAnswerAndSpeech) {
  const std::string file = SWITCHBOARD_DEFAULT_CONFIG;
  test::ConversationHarness h(test::read_file(file), store::memory_store(), file);
  std::size_t words = 0;
  std::size_t wrong = 0;
  int files = 0;
  for (const auto &[name, reference] : test::reference_transcripts()) {
    auto session = h.conversations->session(name);
    auto rec = std::make_shared<test::Recorder>();
    session->attach(rec);
    std::string error;
    ASSERT_TRUE(session->push_audio(test::speech_bytes(name + ".wav"), error)) << name << ": " << error;
    session->end_audio();
    ASSERT_TRUE(rec->wait_completes(1, std::chrono::seconds(60))) << name;
    rec->read([&, name = name, reference = reference] {
      ASSERT_EQ(rec->finals.size(), 1u) << name;
      const auto &turn = rec->completes.front();
      EXPECT_FALSE(turn.assistant_text.empty()) << name;
      EXPECT_GT(rec->audio_samples, 0u) << name << ": the answer is spoken";
      EXPECT_TRUE(rec->errors.empty()) << name << ": " << rec->errors.front();
      const auto e = test::word_errors(test::words_of(reference), test::words_of(rec->finals.front()));
      words += test::words_of(reference).size();
      wrong += e;
      std::cout << name << ": heard \"" << rec->finals.front() << "\" (" << e << " errors); answered \""
                << turn.assistant_text.substr(0, 60) << "...\" by " << turn.llm_provider << "; " << rec->audio_samples
                << " samples at " << rec->sample_rate << " Hz; transcript " << turn.timings.transcript_ms
                << " ms, first audio " << turn.timings.first_audio_ms << " ms after the end of speech\n";
    });
    session->detach(rec.get());
    ++files;
  }
  ASSERT_EQ(files, 10);
  const double wer = static_cast<double>(wrong) / static_cast<double>(words);
  std::cout << "WER through the engine: " << wer << " (" << wrong << " of " << words << " words)\n";
  RecordProperty("wer", std::to_string(wer));
  EXPECT_LT(wer, 0.5) << "most words are heard right";
}

}  // namespace
}  // namespace switchboard::conversation
