// stt-pocketsphinx on the shared recordings: a transcript for each, and the
// word error rate over the set against transcripts.tsv.
#include <gtest/gtest.h>

#include "plugin/stt_client.hpp"
#include "support/chain_harness.hpp"
#include "support/done_signal.hpp"
#include "support/testdata.hpp"
#include "support/word_errors.hpp"

namespace switchboard::plugin {
namespace {

class Words : public SttHandler {
 public:
  void on_partial(std::string_view) override { ++partials; }
  void on_final(std::string_view t, float c, std::string_view) override {
    text = t;
    confidence = c;
  }
  void on_done(const sdk::Outcome &o) override {
    outcome = o;
    finished.set();
  }
  bool wait() { return finished.wait(std::chrono::seconds(60)); }
  int partials = 0;
  std::string text;
  float confidence = 0;
  test::DoneSignal finished;
  sdk::Outcome outcome;
};

TEST(SttPocketSphinx, TranscribesTheTestUtterancesAndReportsWer) {
  test::TestHost host(4);
  Registry registry;
  registry.scan({test::shipped_plugin_dir()});
  std::string error;
  auto stt = Instance::create(registry.find("stt-pocketsphinx"), "ps", {{"decoders", 2}}, host.context(), error);
  ASSERT_NE(stt, nullptr) << error;

  std::size_t words = 0;
  std::size_t wrong = 0;
  int files = 0;
  for (const auto &[name, reference] : test::reference_transcripts()) {
    const std::vector<std::int16_t> audio = test::speech_samples(name + ".wav");

    Words w;
    CancelSource cancel;
    SttStream stream;
    ASSERT_TRUE(open_stream(*stt, w, cancel, stream).ok());
    for (std::size_t at = 0; at < audio.size(); at += 320) {
      stream.feed(audio.data() + at, std::min<std::size_t>(320, audio.size() - at));
    }
    stream.finish();
    ASSERT_TRUE(w.wait()) << name;
    ASSERT_TRUE(w.outcome.ok()) << name << ": " << w.outcome.message;
    stream.close();
    EXPECT_FALSE(w.text.empty()) << name;
    const auto e = test::word_errors(test::words_of(reference), test::words_of(w.text));
    std::cout << name << ": \"" << w.text << "\" (" << e << " errors of " << test::words_of(reference).size() << ")\n";
    words += test::words_of(reference).size();
    wrong += e;
    ++files;
  }
  ASSERT_EQ(files, 10);
  const double wer = static_cast<double>(wrong) / static_cast<double>(words);
  std::cout << "WER over the set: " << wer << " (" << wrong << " of " << words << " words)\n";
  RecordProperty("wer", std::to_string(wer));
  EXPECT_LT(wer, 0.5) << "recognition works: most words are right";
}

struct OneDecoder : ::testing::Test {
  test::TestHost host{4};
  Registry registry;
  std::shared_ptr<Instance> stt;
  void make(int max_wait_ms) {
    registry.scan({test::shipped_plugin_dir()});
    std::string error;
    stt = Instance::create(registry.find("stt-pocketsphinx"), "ps", {{"decoders", 1}, {"max_wait_ms", max_wait_ms}},
                           host.context(), error);
    ASSERT_NE(stt, nullptr) << error;
  }
  void speak(SttStream &stream, const std::string &file) {
    const auto audio = test::speech_samples(file);
    for (std::size_t at = 0; at < audio.size(); at += 320) {
      stream.feed(audio.data() + at, std::min<std::size_t>(320, audio.size() - at));
    }
    stream.finish();
  }
};

TEST_F(OneDecoder, AStreamOpenedWhileTheDecoderIsBusyWaitsItsTurnWithoutBlocking) {
  make(60000);
  Words first;
  Words second;
  CancelSource c1;
  CancelSource c2;
  SttStream s1;
  SttStream s2;
  ASSERT_TRUE(open_stream(*stt, first, c1, s1).ok());
  // Opening does not wait for the decoder (it could not get it: the first
  // stream keeps it until it has spoken, below).
  ASSERT_TRUE(open_stream(*stt, second, c2, s2).ok());
  speak(s2, "weather.wav");  // the second speaks while the first holds the decoder
  speak(s1, "hello.wav");
  ASSERT_TRUE(first.wait());
  ASSERT_TRUE(second.wait());
  EXPECT_TRUE(first.outcome.ok()) << first.outcome.message;
  EXPECT_TRUE(second.outcome.ok()) << second.outcome.message;
  EXPECT_NE(first.text.find("hello"), std::string::npos) << first.text;
  EXPECT_NE(second.text.find("weather"), std::string::npos) << "its audio was kept while it waited: " << second.text;
  s1.close();
  s2.close();
}

TEST_F(OneDecoder, AStreamThatWaitsTooLongFailsAsRetryableAndACancelledOneAsCancelled) {
  make(300);
  Words holder;
  Words late;
  Words cancelled;
  CancelSource c1;
  CancelSource c2;
  CancelSource c3;
  SttStream s1;
  SttStream s2;
  SttStream s3;
  ASSERT_TRUE(open_stream(*stt, holder, c1, s1).ok());  // holds the decoder and never finishes
  ASSERT_TRUE(open_stream(*stt, late, c2, s2).ok());
  ASSERT_TRUE(open_stream(*stt, cancelled, c3, s3).ok());
  c3.cancel();
  ASSERT_TRUE(cancelled.wait());
  EXPECT_EQ(cancelled.outcome.status, sdk::Status::cancelled);
  ASSERT_TRUE(late.wait());
  EXPECT_EQ(late.outcome.status, sdk::Status::retryable);
  EXPECT_NE(late.outcome.message.find("busy"), std::string::npos) << late.outcome.message;
  c1.cancel();
  ASSERT_TRUE(holder.wait());
  s1.close();
  s2.close();
  s3.close();
}

}  // namespace
}  // namespace switchboard::plugin
