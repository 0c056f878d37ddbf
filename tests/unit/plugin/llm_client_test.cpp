#include "plugin/llm_client.hpp"

#include <future>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

class Collect : public LlmHandler {
 public:
  void on_token(std::string_view text) override {
    EXPECT_FALSE(done_) << "token after done";
    text_ += text;
    ++tokens_;
  }
  void on_usage(std::uint32_t p, std::uint32_t c) override { usage_ = {p, c}; }
  void on_done(const Outcome &outcome) override {
    EXPECT_FALSE(done_) << "done twice";
    done_ = true;
    result_.set_value(outcome);
  }
  Outcome wait() { return future_.get(); }

  std::string text_;
  int tokens_ = 0;
  std::pair<std::uint32_t, std::uint32_t> usage_{0, 0};

 private:
  bool done_ = false;
  std::promise<Outcome> result_;
  std::future<Outcome> future_ = result_.get_future();
};

LlmRequest user_says(const std::string &text) {
  LlmRequest r;
  r.messages = {{"system", "be brief"}, {"user", text}};
  return r;
}

TEST(LlmClient, StreamsTokensUsageAndOneDone) {
  test::TestHost host;
  auto llm = host.create("fixture-llm-echo", {{"prefix", ">"}});
  Collect handler;
  CancelSource cancel;
  auto request = user_says("the quick brown fox");
  ASSERT_TRUE(chat(*llm, request, handler, cancel).ok());
  const Outcome outcome = handler.wait();
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(handler.text_, ">the quick brown fox");
  EXPECT_EQ(handler.tokens_, 4);
  EXPECT_EQ(handler.usage_.second, 4u);
}

TEST(LlmClient, PluginErrorFromTheCallIsReportedThroughDone) {
  test::TestHost host;
  auto llm = host.create("fixture-llm-echo");
  Collect handler;
  CancelSource cancel;
  LlmRequest request;  // no user message: the plugin throws invalid_input
  ASSERT_TRUE(chat(*llm, request, handler, cancel).ok());
  const Outcome outcome = handler.wait();
  EXPECT_EQ(outcome.status, Status::invalid_input);
  EXPECT_EQ(outcome.message, "no user message");
}

TEST(LlmClient, CancelledBeforeWorkStartsEndsCancelled) {
  test::TestHost host;
  auto llm = host.create("fixture-llm-echo", {{"delay_ms", 50}});
  Collect handler;
  CancelSource cancel;
  auto request = user_says("one two three");
  ASSERT_TRUE(chat(*llm, request, handler, cancel).ok());
  cancel.cancel();
  EXPECT_EQ(handler.wait().status, Status::cancelled);
  EXPECT_EQ(handler.tokens_, 0);
}

TEST(LlmClient, ExceptionsBecomeFatalStatusesNotCrashes) {
  test::TestHost host;
  auto llm = host.create("fixture-llm-throws");
  Collect handler;
  CancelSource cancel;
  auto request = user_says("anything");
  ASSERT_TRUE(chat(*llm, request, handler, cancel).ok());
  const Outcome outcome = handler.wait();
  EXPECT_EQ(outcome.status, Status::fatal);
  EXPECT_EQ(outcome.message, "unhandled exception: chat exploded");
}

TEST(LlmClient, ExceptionAfterATokenStillEndsTheCallOnce) {
  test::TestHost host;
  auto llm = host.create("fixture-llm-throws");
  Collect handler;
  CancelSource cancel;
  auto request = user_says("after a token");
  ASSERT_TRUE(chat(*llm, request, handler, cancel).ok());
  EXPECT_EQ(handler.wait().status, Status::fatal);
  EXPECT_EQ(handler.text_, "partial");
}

TEST(LlmClient, ManyConcurrentCallsEachEndOnce) {
  test::TestHost host;
  auto llm = host.create("fixture-llm-echo");
  constexpr int kCalls = 200;
  std::vector<std::unique_ptr<Collect>> handlers;
  std::vector<std::unique_ptr<CancelSource>> cancels;
  std::vector<LlmRequest> requests(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    handlers.push_back(std::make_unique<Collect>());
    cancels.push_back(std::make_unique<CancelSource>());
    requests[i] = user_says("call " + std::to_string(i));
    ASSERT_TRUE(chat(*llm, requests[i], *handlers[i], *cancels[i]).ok());
  }
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(handlers[i]->wait().ok());
    EXPECT_EQ(handlers[i]->text_, "call " + std::to_string(i));
  }
}

}  // namespace
}  // namespace switchboard::plugin
