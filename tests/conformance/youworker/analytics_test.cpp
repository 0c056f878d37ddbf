// The analytics routes count what the test did: sessions and messages from
// the host's store, tokens by the provider that answered and by day, tool
// calls, documents; start_date and end_date bound them.
#include <gtest/gtest.h>

#include <ctime>

#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct YouWorkerAnalytics : ::testing::Test {
  static void SetUpTestSuite() {
    server = std::make_unique<YouWorkerServer>(youworker_providers());
    if (!server->ready()) return;
    const int port = server->port();
    for (const auto &[session, text] :
         {std::pair{"an-1", "Hello"}, std::pair{"an-1", "Again"}, std::pair{"an-2", "Hi"}}) {
      const auto r = post_json(port, "/v1/chat/unified", {{"text_input", text}, {"session_id", session}});
      EXPECT_EQ(r.status, 200) << r.body;
    }
    const auto r = post_json(port, "/v1/ingestion/text",
                             {{"text", "Kites fly best in steady wind."}, {"collection_name", "hobbies"}});
    EXPECT_EQ(r.status, 200) << r.body;
  }
  static void TearDownTestSuite() { server.reset(); }
  static nlohmann::json get(const std::string &path) {
    const auto r = http_request(server->port(), "GET", path);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.json();
  }
  static std::unique_ptr<YouWorkerServer> server;
};
std::unique_ptr<YouWorkerServer> YouWorkerAnalytics::server;

constexpr int kReplyWords = 8;  // "Hello there! How can I help you today?"

TEST_F(YouWorkerAnalytics, TheOverviewCountsSessionsMessagesAndTokens) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  const auto o = get("/v1/analytics/overview");
  EXPECT_EQ(o["total_sessions"], 2) << o;
  EXPECT_EQ(o["total_messages"], 6) << o;
  EXPECT_GT(o["total_tokens"].get<int>(), 3 * kReplyWords) << o;
  EXPECT_EQ(o["total_tool_calls"], 0);
  EXPECT_EQ(o["active_users"], 1) << "auth is off on loopback: one subject";
  EXPECT_EQ(o["period"]["end"].get<std::string>().substr(0, 10), today());
}

TEST_F(YouWorkerAnalytics, TokensAreByTheProviderThatAnsweredAndByDay) {
  const auto t = get("/v1/analytics/tokens");
  ASSERT_TRUE(t["by_model"].contains("scripted")) << t;
  const auto &m = t["by_model"]["scripted"];
  EXPECT_EQ(m["output_tokens"], 3 * kReplyWords) << "the provider's own counts";
  EXPECT_GT(m["input_tokens"].get<int>(), 0);
  EXPECT_EQ(m["total_tokens"], m["input_tokens"].get<int>() + m["output_tokens"].get<int>());
  ASSERT_EQ(t["by_day"].size(), 1U) << t;
  EXPECT_EQ(t["by_day"][0]["date"], today());
  EXPECT_EQ(t["by_day"][0]["tokens"], m["total_tokens"]);
  EXPECT_EQ(get("/v1/analytics/overview")["total_tokens"], m["total_tokens"]);
}

TEST_F(YouWorkerAnalytics, SessionsAndIngestion) {
  const auto s = get("/v1/analytics/sessions");
  EXPECT_EQ(s["total_sessions"], 2);
  EXPECT_EQ(s["avg_messages_per_session"], 3.0) << s;
  EXPECT_TRUE(s["avg_duration_minutes"].is_number());
  ASSERT_EQ(s["by_date"].size(), 1U);
  EXPECT_EQ(s["by_date"][0], (nlohmann::json{{"date", today()}, {"sessions", 2}, {"messages", 6}}));
  const auto i = get("/v1/analytics/ingestion");
  EXPECT_EQ(i["total_documents"], 1);
  EXPECT_EQ(i["total_chunks"], 1);
  EXPECT_EQ(i["by_type"], (nlohmann::json{{"text", 1}}));
  EXPECT_EQ(i["by_collection"], (nlohmann::json{{"hobbies", 1}}));
  EXPECT_EQ(get("/v1/analytics/tools"), (nlohmann::json{{"tools", nlohmann::json::array()}}));
}

TEST_F(YouWorkerAnalytics, DatesBoundWhatIsCounted) {
  auto o = get("/v1/analytics/overview?start_date=2999-01-01");
  EXPECT_EQ(o["total_sessions"], 0);
  EXPECT_EQ(o["total_tokens"], 0);
  EXPECT_EQ(o["period"]["start"], "2999-01-01T00:00:00Z");
  o = get("/v1/analytics/overview?end_date=2000-01-01T00:00:00Z");
  EXPECT_EQ(o["total_messages"], 0);
  o = get("/v1/analytics/overview?start_date=" + today() + "&end_date=" + today());
  EXPECT_EQ(o["total_sessions"], 2) << "a date alone is the whole day";
  EXPECT_EQ(get("/v1/analytics/tokens?start_date=2999-01-01")["by_model"], nlohmann::json::object());
  const auto bad = http_request(server->port(), "GET", "/v1/analytics/sessions?start_date=yesterday");
  EXPECT_EQ(only_problem(bad), (nlohmann::json{{"loc", {"query", "start_date"}},
                                               {"msg", "invalid datetime format"},
                                               {"type", "value_error.datetime"}}));
}

}  // namespace
}  // namespace switchboard::test
