// /v1/sessions with limit and offset, a session's messages, and DELETE with
// the count of what went; each client sees only its own sessions.
#include <set>

#include <gtest/gtest.h>

#include "youworker_fixture.hpp"

namespace switchboard::test {
namespace {

TEST(YouWorkerSessions, PagesMessagesAndDeletion) {
  YouWorkerServer server(youworker_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  const int port = server.port();
  for (const char *id : {"s-one", "s-two", "s-three"}) {
    ASSERT_EQ(post_json(port, "/v1/chat/unified", {{"text_input", std::string("Hello from ") + id}, {"session_id", id}})
                  .status,
              200);
  }
  const nlohmann::json page = http_request(port, "GET", "/v1/sessions?limit=2&offset=0").json();
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(page["limit"], 2);
  EXPECT_EQ(page["offset"], 0);
  ASSERT_EQ(page["sessions"].size(), 2U);
  EXPECT_EQ(page["sessions"][0]["message_count"], 2);
  for (const char *k : {"id", "created_at", "last_activity"}) EXPECT_TRUE(page["sessions"][0].contains(k)) << k;
  const nlohmann::json rest = http_request(port, "GET", "/v1/sessions?limit=2&offset=2").json();
  ASSERT_EQ(rest["sessions"].size(), 1U);
  std::set<std::string> seen;
  std::string previous = "~";
  for (const auto *p : {&page, &rest}) {
    for (const auto &s : (*p)["sessions"]) {
      seen.insert(s.at("external_id").get<std::string>());
      EXPECT_LE(s["last_activity"].get<std::string>(), previous) << "the latest first";
      previous = s["last_activity"];
    }
  }
  EXPECT_EQ(seen, (std::set<std::string>{"s-one", "s-two", "s-three"})) << "each once across the pages";
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions").json()["limit"], 20) << "the documented default";

  const auto bad = http_request(port, "GET", "/v1/sessions?limit=0");
  EXPECT_EQ(only_problem(bad), (nlohmann::json{{"loc", {"query", "limit"}},
                                               {"msg", "ensure this value is greater than or equal to 1"},
                                               {"type", "value_error.number.not_ge"}}));
  EXPECT_EQ(only_problem(http_request(port, "GET", "/v1/sessions?offset=x"))["type"], "type_error.integer");

  const auto messages = http_request(port, "GET", "/v1/sessions/s-two/messages").json()["messages"];
  ASSERT_EQ(messages.size(), 2U);
  EXPECT_EQ(messages[0]["role"], "user");
  EXPECT_EQ(messages[0]["content"], "Hello from s-two");
  EXPECT_EQ(messages[1]["role"], "assistant");
  EXPECT_EQ(messages[1]["id"], 2);

  const auto deleted = http_request(port, "DELETE", "/v1/sessions/s-two", "", {{"Content-Type", "application/json"}});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.json(), (nlohmann::json{{"status", "success"}, {"deleted_messages", 2}}));
  const auto gone = http_request(port, "GET", "/v1/sessions/s-two/messages");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.json()["detail"], "Session not found");
  EXPECT_EQ(gone.json()["status_code"], 404);
  EXPECT_EQ(http_request(server.native_port(), "GET", "/sessions/s-one").status, 200) << "the native API's sessions";
}

}  // namespace
}  // namespace switchboard::test
