#include "plugin/stt_client.hpp"

#include <future>
#include <vector>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

class Results : public SttHandler {
 public:
  void on_partial(std::string_view t) override { partials.emplace_back(t); }
  void on_final(std::string_view t, float c, std::string_view lang) override {
    final_text = t;
    confidence = c;
    language = lang;
  }
  void on_done(const sdk::Outcome &o) override { done.set_value(o); }

  std::vector<std::string> partials;
  std::string final_text;
  float confidence = 0;
  std::string language;
  std::promise<sdk::Outcome> done;
};

TEST(SttClient, StreamsFramesAndDeliversFinalThenDone) {
  test::TestHost host;
  auto stt = host.create("fixture-stt-counter");
  Results results;
  CancelSource cancel;
  SttStream stream;
  ASSERT_TRUE(open_stream(*stt, results, cancel, stream).ok());
  const std::vector<std::int16_t> frame(320, 100);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(stream.feed(frame.data(), frame.size()), sdk::Status::ok);
  }
  stream.finish();
  EXPECT_TRUE(results.done.get_future().get().ok());
  EXPECT_EQ(results.partials, std::vector<std::string>{"counting"});
  EXPECT_EQ(results.final_text, "16000 samples");
  EXPECT_FLOAT_EQ(results.confidence, 1.0f);
  EXPECT_EQ(results.language, "en-US");
  stream.close();
  EXPECT_FALSE(stream.is_open());
}

TEST(SttClient, AnExceptionInFeedFailsTheStreamWithoutCrashing) {
  test::TestHost host;
  auto stt = host.create("fixture-stt-counter");
  Results results;
  CancelSource cancel;
  SttStream stream;
  ASSERT_TRUE(open_stream(*stt, results, cancel, stream).ok());
  const std::int16_t poison[] = {-32768, 0};
  EXPECT_EQ(stream.feed(poison, 2), sdk::Status::fatal);
  const auto outcome = results.done.get_future().get();
  EXPECT_EQ(outcome.status, sdk::Status::fatal);
  EXPECT_EQ(outcome.message, "unhandled exception: feed exploded");
  // finish after failure reports nothing more (the sink is closed).
  stream.finish();
  EXPECT_TRUE(results.final_text.empty());
}

}  // namespace
}  // namespace switchboard::plugin
