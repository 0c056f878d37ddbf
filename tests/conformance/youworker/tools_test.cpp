// Tools through llm-openai against the local upstream: the model asks for
// search_documents, gets the ingested passage, answers from it; the client
// sees the tool events (SSE, UnifiedChatResponse and WebSocket); analytics
// count the call. A failing tool is an error result the model reads, and a
// provider cut mid-call leaves the call to the next one, run once.
#include <gtest/gtest.h>

#include "upstream/upstream.hpp"
#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

const std::string kFact = "The Zorbex reactor is cooled with heavy water every Tuesday at noon.";

// Two llm-openai providers on the same upstream: the second takes over
// when the first fails.
std::string openai_providers(const std::string &url) {
  const std::string openai = "plugin: llm-openai, circuit: {failure_threshold: 100}, config: {base_url: \"" + url +
                             "/v1\", api_key: sk-test-key, model: gpt-4o-mini}";
  return "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hello\"]}}\n"
         "llm:\n  - {name: cloud, " +
         openai + "}\n  - {name: cloud-backup, " + openai +
         "}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 2}}\n"
         "tools:\n"
         "  allowed_hosts: [127.0.0.1]\n"
         "  http:\n"
         "    - {name: broken, description: \"A tool whose server is down\", url: \"http://127.0.0.1:1/none\", "
         "timeout_ms: 2000, parameters: {type: object, properties: {q: {type: string}}}}\n";
}

struct YouWorkerTools : ::testing::Test {
  static void SetUpTestSuite() {
    upstream = std::make_unique<upstream::Upstream>();
    upstream->start();
    // Retrieval off: what the model knows of the documents it asked for.
    server = std::make_unique<YouWorkerServer>(openai_providers(upstream->url()), "{retrieval: false}");
    if (server->ready()) {
      const auto r = post_json(server->port(), "/v1/ingestion/text",
                               {{"text", kFact}, {"metadata", {{"title", "Reactor notes"}}}});
      EXPECT_EQ(r.status, 200) << r.body;
    }
  }
  static void TearDownTestSuite() {
    server.reset();
    upstream.reset();
  }
  void SetUp() override {
    upstream->clear_faults();
    upstream->script().tool_call = "search_documents";
    upstream->script().tool_arguments = R"({"query":"Zorbex reactor cooling"})";
  }
  static std::unique_ptr<upstream::Upstream> upstream;
  static std::unique_ptr<YouWorkerServer> server;
};
std::unique_ptr<upstream::Upstream> YouWorkerTools::upstream;
std::unique_ptr<YouWorkerServer> YouWorkerTools::server;

nlohmann::json tool_stats(int port, const std::string &name) {
  const auto body = http_request(port, "GET", "/v1/analytics/tools").json();
  for (const auto &t : body["tools"]) {
    if (t["name"] == name) return t;
  }
  return nullptr;
}

TEST_F(YouWorkerTools, TheModelSearchesTheDocumentsAndAnswersFromThePassage) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const int port = server->port();
  const int chats_before = upstream->requests("chat");
  const auto r =
      sse_request(port, "POST", "/v1/chat/stream",
                  nlohmann::json{{"messages", {{{"role", "user"}, {"content", "How is the reactor cooled?"}}}},
                                 {"session_id", "tools-1"},
                                 {"enable_tools", true}}
                      .dump(),
                  {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<nlohmann::json> tools;
  std::string tokens;
  for (const auto &e : r.events) {
    const auto j = e.json();
    if (j["event"] == "tool") tools.push_back(j["data"]);
    if (j["event"] == "token") tokens += j["data"]["text"].get<std::string>();
  }
  ASSERT_EQ(tools.size(), 2U) << r.body;
  EXPECT_EQ(tools[0]["tool"], "search_documents");
  EXPECT_EQ(tools[0]["status"], "start");
  EXPECT_EQ(tools[0]["args"], (nlohmann::json{{"query", "Zorbex reactor cooling"}}));
  EXPECT_EQ(tools[1]["status"], "end");
  EXPECT_NE(tools[1]["result_preview"].get<std::string>().find("heavy water"), std::string::npos) << tools[1];
  EXPECT_TRUE(tools[1]["latency_ms"].is_number());
  const auto done = r.events.back().json();
  EXPECT_EQ(done["event"], "done");
  EXPECT_EQ(done["data"]["final_text"], "From the tool: " + kFact);
  EXPECT_EQ(tokens, done["data"]["final_text"]);

  // Two model calls: the one that asked, and the one that read the result.
  EXPECT_EQ(upstream->requests("chat"), chats_before + 2);
  const auto second = upstream->last_request("chat")["body"];
  ASSERT_TRUE(second["tools"].is_array());
  const auto &messages = second["messages"];
  const auto &asked = messages[messages.size() - 2];
  EXPECT_EQ(asked["role"], "assistant");
  EXPECT_EQ(asked["tool_calls"][0]["function"]["name"], "search_documents");
  const auto &result = messages.back();
  EXPECT_EQ(result["role"], "tool");
  EXPECT_EQ(result["tool_call_id"], asked["tool_calls"][0]["id"]);

  const auto stats = tool_stats(port, "search_documents");
  ASSERT_FALSE(stats.is_null());
  EXPECT_GE(stats["calls"].get<int>(), 1);
  EXPECT_EQ(stats["success_rate"], 1.0);
}

TEST_F(YouWorkerTools, UnifiedAnswersCarryTheToolEvents) {
  const auto r =
      post_json(server->port(), "/v1/chat/unified", {{"text_input", "What time is it?"}, {"enable_tools", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  ASSERT_EQ(body["tool_events"].size(), 2U) << body;
  EXPECT_EQ(body["tool_events"][0]["status"], "start");
  EXPECT_EQ(body["tool_events"][1]["status"], "end");
  // Without tools the model is offered none and answers in words.
  const int before = upstream->requests("chat");
  const auto plain = post_json(server->port(), "/v1/chat/unified", {{"text_input", "Hi"}, {"enable_tools", false}});
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json()["tool_events"], nlohmann::json::array());
  EXPECT_EQ(upstream->requests("chat"), before + 1);
  EXPECT_FALSE(upstream->last_request("chat")["body"].contains("tools"));
}

TEST_F(YouWorkerTools, AFailingToolIsAnErrorTheModelReadsAndTheTurnGoesOn) {
  upstream->script().tool_call = "broken";
  upstream->script().tool_arguments = R"({"q":"x"})";
  const auto before = tool_stats(server->port(), "broken");
  const auto r =
      post_json(server->port(), "/v1/chat/unified", {{"text_input", "Use the broken tool"}, {"enable_tools", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  ASSERT_EQ(body["tool_events"].size(), 2U) << body;
  EXPECT_EQ(body["tool_events"][1]["status"], "error");
  EXPECT_NE(body["tool_events"][1]["error_message"].get<std::string>().find("could not be reached"), std::string::npos);
  EXPECT_EQ(body["content"], "From the tool: the tool failed");
  const auto stats = tool_stats(server->port(), "broken");
  ASSERT_FALSE(stats.is_null());
  EXPECT_EQ(stats["calls"].get<int>(), (before.is_null() ? 0 : before["calls"].get<int>()) + 1);
  EXPECT_LT(stats["success_rate"].get<double>(), 1.0);
}

TEST_F(YouWorkerTools, AProviderCutMidCallLeavesTheCallToTheNextAndItRunsOnce) {
  upstream->script().tool_call = "current_time";
  upstream->script().tool_arguments = R"({"zone":"UTC"})";
  // The first provider's stream breaks after the call's name and a piece of
  // its arguments; the second is asked the same and answers whole.
  upstream::Fault cut;
  cut.route = "chat";
  cut.kind = upstream::FaultKind::reset;
  cut.after_chunks = 2;
  upstream->inject(cut);
  const auto before = tool_stats(server->port(), "current_time");
  const auto r =
      post_json(server->port(), "/v1/chat/unified", {{"text_input", "What time is it now?"}, {"enable_tools", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  ASSERT_EQ(body["tool_events"].size(), 2U) << "one call, started once: " << body;
  EXPECT_EQ(body["tool_events"][0]["args"], (nlohmann::json{{"zone", "UTC"}})) << "the whole arguments";
  EXPECT_NE(body["content"].get<std::string>().find("From the tool:"), std::string::npos) << body;
  const auto stats = tool_stats(server->port(), "current_time");
  EXPECT_EQ(stats["calls"].get<int>(), (before.is_null() ? 0 : before["calls"].get<int>()) + 1);
}

TEST_F(YouWorkerTools, TheWebSocketSendsToolMessages) {
  WsClient ws(server->port(), "/chat/tools-ws");
  ASSERT_TRUE(ws.open());
  const auto welcome = ws.next();
  ASSERT_TRUE(welcome && (*welcome)["type"] == "system");
  ws.send_json({{"type", "text"}, {"content", "How is the reactor cooled?"}, {"metadata", {{"enable_tools", true}}}});
  const auto start = ws.until("tool");
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["content"], "search_documents") << *start;
  EXPECT_EQ((*start)["metadata"]["status"], "start");
  EXPECT_EQ((*start)["metadata"]["args"]["query"], "Zorbex reactor cooling");
  const auto end = ws.until("tool");
  ASSERT_TRUE(end);
  EXPECT_EQ((*end)["metadata"]["status"], "end") << *end;
  std::optional<nlohmann::json> final_text;
  while (auto m = ws.until("text")) {
    if ((*m)["metadata"].value("is_final", false)) {
      final_text = m;
      break;
    }
  }
  ASSERT_TRUE(final_text);
  EXPECT_EQ((*final_text)["content"], "From the tool: " + kFact);
}

}  // namespace
}  // namespace switchboard::test
