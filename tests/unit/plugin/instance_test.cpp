#include "plugin/instance.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "plugin/llm_client.hpp"
#include "plugin/transport_client.hpp"
#include "support/fixtures.hpp"

namespace switchboard::plugin {
namespace {

TEST(Instance, AFailingFactoryGivesItsMessage) {
  test::TestHost host;
  std::string error;
  auto instance = Instance::create(test::load_fixture("fixture-factory-fails"), "broken", {}, host.context(), error);
  EXPECT_EQ(instance, nullptr);
  EXPECT_EQ(error, "model file '/nonexistent/model.bin' is missing");
}

TEST(Instance, TheInstanceSeesItsNameAndConfig) {
  test::TestHost host;
  auto instance = host.create("fixture-llm-echo", {{"prefix", "p"}}, "echo-1");
  EXPECT_EQ(instance->name(), "echo-1");
  EXPECT_STREQ(instance->services().raw()->instance_name, "echo-1");
  EXPECT_EQ(nlohmann::json::parse(instance->services().raw()->config_json)["prefix"], "p");
}

class Recorder : public LlmHandler {
 public:
  void on_token(std::string_view t) override { text += t; }
  void on_done(const Outcome &o) override { outcome = o; }
  std::string text;
  Outcome outcome{Status::fatal, "never finished", 0};
};

TEST(Instance, DestroyRunsPendingPostedTasksFirst) {
  test::TestHost host;
  Recorder handler;
  CancelSource cancel;
  {
    // The answer is posted an hour ahead; destroying the instance must not
    // wait an hour, nor drop the task and leave the call without its end.
    auto llm = host.create("fixture-llm-echo", {{"delay_ms", 3600 * 1000 - 1}});
    LlmRequest request;
    request.messages = {{"user", "late words"}};
    ASSERT_TRUE(chat(*llm, request, handler, cancel).ok());
  }
  EXPECT_TRUE(handler.outcome.ok()) << handler.outcome.message;
  EXPECT_EQ(handler.text, "late words");
}

TEST(Instance, TheHostServicesGiveExtensionsConfigDirAndClock) {
  test::ManualHost host;
  int marker = 0;
  auto context = host.context();
  context.extensions = [&](const std::string &id) -> const void * { return id == "x.test/1" ? &marker : nullptr; };
  context.config_dir = "/etc/switchboard";
  std::string error;
  auto instance = Instance::create(test::load_fixture("fixture-llm-echo"), "e", {}, context, error);
  ASSERT_NE(instance, nullptr) << error;
  const sb_host *h = instance->services().raw();
  EXPECT_EQ(h->get_extension(h->ctx, "x.test/1"), &marker);
  EXPECT_EQ(h->get_extension(h->ctx, "x.other/1"), nullptr);
  EXPECT_STREQ(h->config_dir, "/etc/switchboard");
  host.manual_clock.advance(std::chrono::seconds(3));
  EXPECT_EQ(h->now_ns(h->ctx), 3'000'000'000) << "the host's clock, which tests step";
  EXPECT_GE(h->struct_size, sizeof(sb_host));
}

TEST(Instance, PluginLogLinesCarryKindAndName) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger =
      std::make_shared<spdlog::logger>("switchboard", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  logger->set_pattern("[%n] %v");
  spdlog::set_default_logger(logger);
  {
    test::TestHost host;
    auto transport = host.create("fixture-transport-socket", {}, "edge");
    std::string bound;
    ASSERT_TRUE(start_transport(*transport, "127.0.0.1:0", bound).ok());
    stop_transport(*transport);
  }
  spdlog::set_default_logger(previous);
  EXPECT_NE(captured.str().find("[transport/edge] bound 127.0.0.1:"), std::string::npos) << captured.str();
}

}  // namespace
}  // namespace switchboard::plugin
