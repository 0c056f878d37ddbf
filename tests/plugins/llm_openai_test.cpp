// llm-openai against the local upstream: the happy path, streaming, every
// fault mapped to its status, cancellation releasing the connection.
#include <gtest/gtest.h>

#include "support/provider_harness.hpp"

namespace switchboard::test {
namespace {

using upstream::Fault;
using upstream::FaultKind;

struct LlmOpenAi : ::testing::Test {
  ProviderHarness h;
  nlohmann::json config() const {
    return {{"base_url", h.upstream.url() + "/v1"}, {"api_key", "sk-test-key"}, {"model", "gpt-4o-mini"}};
  }
  std::unique_ptr<LlmRecord> ask(plugin::Instance &llm, plugin::CancelSource &cancel, std::string text = "hi") {
    auto record = std::make_unique<LlmRecord>();
    plugin::LlmRequest r;
    r.messages = {{"system", "Be brief."}, {"user", std::move(text)}};
    const auto started = plugin::chat(llm, r, *record, cancel);
    EXPECT_TRUE(started.ok()) << started.message;
    return record;
  }
  sdk::Outcome fails_with(const Fault &fault) {
    auto llm = h.make("llm-openai", config());
    h.upstream.inject(fault);
    plugin::CancelSource cancel;
    auto a = ask(*llm, cancel);
    ProviderHarness::finished(a->done);
    EXPECT_EQ(a->dones, 1);
    return a->outcome;
  }
};

TEST_F(LlmOpenAi, StreamsTheAnswerTokenByTokenAndReportsUsage) {
  h.upstream.script().reply = "One two three four.";
  auto llm = h.make("llm-openai", config());
  plugin::CancelSource cancel;
  auto a = ask(*llm, cancel);
  ProviderHarness::finished(a->done);
  ASSERT_TRUE(a->outcome.ok()) << a->outcome.message;
  EXPECT_EQ(a->tokens, (std::vector<std::string>{"One", " two", " three", " four."}));
  EXPECT_EQ(a->usage, (std::pair<std::uint32_t, std::uint32_t>{3, 4}));
  const auto sent = h.upstream.last_request("chat");
  EXPECT_EQ(sent["body"]["model"], "gpt-4o-mini");
  EXPECT_EQ(sent["body"]["stream"], true);
  EXPECT_EQ(sent["body"]["stream_options"]["include_usage"], true);
  EXPECT_EQ(sent["body"]["messages"][1]["content"], "hi");
  EXPECT_EQ(sent["headers"]["Authorization"], "Bearer sk-test-key");
}

TEST_F(LlmOpenAi, SendsTheConfiguredDefaultsAndTheCallsOwnSettingsWin) {
  auto c = config();
  c["temperature"] = 0.3;
  c["max_tokens"] = 64;
  c["options"] = {{"top_p", 0.5}};
  auto llm = h.make("llm-openai", c);
  plugin::CancelSource cancel;
  auto a = ask(*llm, cancel);
  ProviderHarness::finished(a->done);
  auto body = h.upstream.last_request("chat")["body"];
  EXPECT_EQ(body["temperature"], 0.3);
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["top_p"], 0.5);

  auto b = std::make_unique<LlmRecord>();
  plugin::LlmRequest r;
  r.messages = {{"user", "hi"}};
  r.temperature = 1.5;
  r.max_tokens = 2;
  ASSERT_TRUE(plugin::chat(*llm, r, *b, cancel).ok());
  ProviderHarness::finished(b->done);
  body = h.upstream.last_request("chat")["body"];
  EXPECT_EQ(body["temperature"], 1.5);
  EXPECT_EQ(b->tokens.size(), 2U) << "max_tokens reached the server";
}

TEST_F(LlmOpenAi, OffersToolsAndReportsTheModelsCallPieceByPiece) {
  h.upstream.script().tool_call = "search_documents";
  h.upstream.script().tool_arguments = R"({"query":"tides at morlaix"})";
  auto llm = h.make("llm-openai", config());
  plugin::CancelSource cancel;
  auto record = std::make_unique<LlmRecord>();
  plugin::LlmRequest r;
  r.messages = {{"user", "How high are the tides?"}};
  r.tools_json = R"([{"type":"function","function":{"name":"search_documents","parameters":{"type":"object"}}}])";
  r.passages = {{"Tide tables", "Spring tides at Morlaix rise nine metres.", 2.5}};
  ASSERT_TRUE(plugin::chat(*llm, r, *record, cancel).ok());
  ProviderHarness::finished(record->done);
  ASSERT_TRUE(record->outcome.ok()) << record->outcome.message;
  ASSERT_GE(record->tool_pieces.size(), 2U);
  EXPECT_EQ(record->tool_pieces[0][2], "search_documents");
  EXPECT_EQ(record->tool_pieces[0][1].rfind("call_", 0), 0U);
  std::string arguments;
  for (const auto &p : record->tool_pieces) {
    EXPECT_EQ(p[0], "0");
    arguments += p[3];
  }
  EXPECT_EQ(arguments, R"({"query":"tides at morlaix"})");
  EXPECT_TRUE(record->text.empty());
  const auto sent = h.upstream.last_request("chat")["body"];
  EXPECT_EQ(sent["tools"][0]["function"]["name"], "search_documents");
  ASSERT_EQ(sent["messages"].size(), 2U) << sent;
  EXPECT_EQ(sent["messages"][0]["role"], "system");
  EXPECT_NE(sent["messages"][0]["content"].get<std::string>().find("[1] (Tide tables) Spring tides at Morlaix"),
            std::string::npos);
  EXPECT_EQ(sent["messages"][1]["content"], "How high are the tides?");

  // The result goes back as the API has it, and the model answers from it.
  const std::string id = record->tool_pieces[0][1];
  auto second = std::make_unique<LlmRecord>();
  plugin::LlmRequest next;
  next.messages = {
      {"user", "How high are the tides?"},
      {"assistant", "", R"({"tool_calls":[{"id":")" + id + R"(","name":"search_documents","arguments":"{}"}]})"},
      {"tool", R"({"passages":[{"text":"Nine metres at springs."}]})",
       R"({"tool_call_id":")" + id + R"(","name":"search_documents"})"}};
  next.tools_json = r.tools_json;
  ASSERT_TRUE(plugin::chat(*llm, next, *second, cancel).ok());
  ProviderHarness::finished(second->done);
  ASSERT_TRUE(second->outcome.ok()) << second->outcome.message;
  EXPECT_EQ(second->text, "From the tool: Nine metres at springs.");
  const auto body = h.upstream.last_request("chat")["body"];
  EXPECT_EQ(body["messages"][1]["content"], nullptr);
  EXPECT_EQ(body["messages"][1]["tool_calls"][0]["id"], id);
  EXPECT_EQ(body["messages"][1]["tool_calls"][0]["type"], "function");
  EXPECT_EQ(body["messages"][2]["role"], "tool");
  EXPECT_EQ(body["messages"][2]["tool_call_id"], id);
}

TEST_F(LlmOpenAi, ReusesOneConnectionForCallsInTurn) {
  auto llm = h.make("llm-openai", config());
  for (int i = 0; i < 3; ++i) {
    plugin::CancelSource cancel;
    auto a = ask(*llm, cancel);
    ProviderHarness::finished(a->done);
    ASSERT_TRUE(a->outcome.ok()) << a->outcome.message;
  }
  EXPECT_EQ(h.upstream.connections_accepted(), 1U);
}

TEST_F(LlmOpenAi, RateLimitIsRetryableWithTheServersRetryAfter) {
  const auto o = fails_with({"chat", FaultKind::status429, 1, 0, 0, 7});
  EXPECT_EQ(o.status, sdk::Status::retryable);
  EXPECT_EQ(o.retry_after_ms, 7000U);
  EXPECT_NE(o.message.find("HTTP 429"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("Rate limit reached"), std::string::npos) << "the provider's own message: " << o.message;
}

TEST_F(LlmOpenAi, ServerErrorIsRetryable) {
  const auto o = fails_with({"chat", FaultKind::status500});
  EXPECT_EQ(o.status, sdk::Status::retryable);
  EXPECT_NE(o.message.find("HTTP 500"), std::string::npos) << o.message;
}

TEST_F(LlmOpenAi, ConnectionResetBeforeAndDuringTheStreamIsRetryable) {
  EXPECT_EQ(fails_with({"chat", FaultKind::reset}).status, sdk::Status::retryable);
  EXPECT_EQ(fails_with({"chat", FaultKind::reset, 1, 0, 3}).status, sdk::Status::retryable);
}

TEST_F(LlmOpenAi, MalformedEventIsRetryable) {
  const auto o = fails_with({"chat", FaultKind::malformed, 1, 0, 2});
  EXPECT_EQ(o.status, sdk::Status::retryable);
  EXPECT_NE(o.message.find("malformed"), std::string::npos) << o.message;
}

TEST_F(LlmOpenAi, StreamCutBeforeItsEndIsRetryable) {
  const auto o = fails_with({"chat", FaultKind::truncate, 1, 0, 2});
  EXPECT_EQ(o.status, sdk::Status::retryable) << o.message;
}

TEST_F(LlmOpenAi, LatencyOnlyDelaysTheAnswer) {
  EXPECT_TRUE(fails_with({"chat", FaultKind::latency, 1, 150}).ok());
}

TEST_F(LlmOpenAi, RefusedConnectionIsRetryable) {
  h.upstream.refuse_connections(true);
  const auto o = fails_with({"none", FaultKind::latency});
  EXPECT_EQ(o.status, sdk::Status::retryable) << o.message;
}

TEST_F(LlmOpenAi, WrongKeyIsFatalAndTheKeyIsNotInTheMessage) {
  auto c = config();
  c["api_key"] = "sk-wrong-key-0123456789";
  auto llm = h.make("llm-openai", c);
  plugin::CancelSource cancel;
  auto a = ask(*llm, cancel);
  ProviderHarness::finished(a->done);
  EXPECT_EQ(a->outcome.status, sdk::Status::fatal);
  EXPECT_NE(a->outcome.message.find("Incorrect API key provided: ***"), std::string::npos) << a->outcome.message;
  EXPECT_EQ(a->outcome.message.find("sk-wrong-key-0123456789"), std::string::npos) << a->outcome.message;
}

TEST_F(LlmOpenAi, UnknownModelIsFatalAndABadRequestIsInvalidInput) {
  auto c = config();
  c["model"] = "gpt-nonexistent";
  auto llm = h.make("llm-openai", c);
  plugin::CancelSource cancel;
  auto a = ask(*llm, cancel);
  ProviderHarness::finished(a->done);
  EXPECT_EQ(a->outcome.status, sdk::Status::fatal);
  EXPECT_NE(a->outcome.message.find("does not exist"), std::string::npos) << a->outcome.message;

  auto good = h.make("llm-openai", config());
  auto bad = std::make_unique<LlmRecord>();
  plugin::LlmRequest empty;  // no messages at all: the server refuses it
  ASSERT_TRUE(plugin::chat(*good, empty, *bad, cancel).ok());
  ProviderHarness::finished(bad->done);
  EXPECT_EQ(bad->outcome.status, sdk::Status::invalid_input) << bad->outcome.message;
}

TEST_F(LlmOpenAi, CancellingAHungCallEndsItAndReleasesTheConnection) {
  auto llm = h.make("llm-openai", config());
  h.upstream.inject({"chat", FaultKind::hang});
  plugin::CancelSource cancel;
  auto a = ask(*llm, cancel);
  ASSERT_TRUE(h.upstream.wait_open_connections(1, std::chrono::seconds(10)));
  cancel.cancel();
  ProviderHarness::finished(a->done);
  EXPECT_EQ(a->outcome.status, sdk::Status::cancelled);
  EXPECT_TRUE(h.upstream.wait_open_connections(0, std::chrono::seconds(10))) << "the connection was not released";
}

TEST_F(LlmOpenAi, CancellingMidStreamEndsItAndReleasesTheConnection) {
  auto llm = h.make("llm-openai", config());
  // The role chunk and one token, then silence.
  h.upstream.inject({"chat", FaultKind::stall, 1, 0, 2});
  plugin::CancelSource cancel;
  auto a = ask(*llm, cancel);
  ProviderHarness::finished(a->first_token);
  cancel.cancel();
  ProviderHarness::finished(a->done);
  EXPECT_EQ(a->outcome.status, sdk::Status::cancelled);
  EXPECT_EQ(a->tokens, std::vector<std::string>{"Hello"}) << "the token sent before the stall arrived";
  EXPECT_TRUE(h.upstream.wait_open_connections(0, std::chrono::seconds(10))) << "the connection was not released";
}

TEST_F(LlmOpenAi, ConfigProblemsAreReportedAtTheirKeys) {
  const auto errors =
      h.config_errors("llm-openai", {{"base_url", "ftp://x"}, {"temperature", 5}, {"colour", "red"}, {"api_key", 1}});
  const std::vector<std::string> expected_at = {": missing required key 'model'",
                                                "/base_url:", "/temperature:", "/colour:", "/api_key:"};
  ASSERT_EQ(errors.size(), expected_at.size()) << ::testing::PrintToString(errors);
  for (const auto &at : expected_at) {
    EXPECT_TRUE(std::any_of(errors.begin(), errors.end(), [&](const std::string &e) { return e.rfind(at, 0) == 0; }))
        << at << " in " << ::testing::PrintToString(errors);
  }
  EXPECT_TRUE(h.config_errors("llm-openai", config()).empty());
}

}  // namespace
}  // namespace switchboard::test
