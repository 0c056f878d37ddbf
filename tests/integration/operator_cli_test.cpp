// The operator's commands (switchboard status, providers, sessions, reset,
// force-open, reload) run as a program against a running host with auth
// on: what they print, what they change, and how they fail.
#include <gtest/gtest.h>

#include <fstream>

#include "conformance/voice_client.hpp"
#include "support/process.hpp"
#include "support/served_binary.hpp"

namespace switchboard::test {
namespace {

const std::string kAdmin = "admin-key-0123456789abcdef0123456789";
const std::string kUser = "user-key-0123456789abcdef0123456789ab";

std::string config(const std::string &reply) {
  return "stt: [{name: words, plugin: stt-scripted}]\n"
         "llm: [{name: main, plugin: llm-scripted, config: {reply: \"" +
         reply +
         "\"}}, {name: backup, plugin: llm-scripted}]\n"
         "tts: [{name: tone, plugin: tts-tone}]\n"
         "transports:\n"
         "  - name: voice-api\n"
         "    plugin: transport-voice-api\n"
         "    listen: \"127.0.0.1:0\"\n"
         "    config: {auth: {enabled: true, api_keys: [{name: ops, key: " +
         kAdmin + ", role: admin}, {name: app, key: " + kUser + ", role: user}]}}\n";
}

class OperatorCli : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(host.ready()) << host.process().err(); }
  RunResult op(std::vector<std::string> args, const std::string &key = kAdmin) {
    args.insert(args.end(), {"--url", "http://127.0.0.1:" + std::to_string(host.port())});
    if (!key.empty()) args.insert(args.end(), {"--key", key});
    return run(SWITCHBOARD_BINARY, args);
  }
  ServedBinary host{SWITCHBOARD_BINARY, config("first reply")};
};

TEST_F(OperatorCli, ProvidersIsATableForPeopleAndJsonForScripts) {
  const auto table = op({"providers"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("KIND"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("llm   main"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("closed"), std::string::npos) << table.out;
  const auto json = op({"providers", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto view = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(view.is_object()) << json.out;
  EXPECT_EQ(view["providers"]["llm"]["providers"][0]["name"], "main");
}

TEST_F(OperatorCli, ForceOpenAndResetChangeTheBreakerAndStatusShowsWhoAnswers) {
  ASSERT_EQ(op({"force-open", "llm", "main"}).code, 0);
  const auto status = op({"status"});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("llm: backup"), std::string::npos) << status.out;
  const auto forced = nlohmann::json::parse(op({"providers", "--json"}).out);
  EXPECT_EQ(forced["providers"]["llm"]["providers"][0]["circuit"]["state"], "open");
  const auto scrape = http_request(host.port(), "GET", "/metrics/prometheus", "", {{"X-API-Key", kUser}}).body;
  EXPECT_NE(scrape.find("switchboard_breaker_open{kind=\"llm\",provider=\"main\"} 1"), std::string::npos)
      << "what an alert on an open breaker reads:\n"
      << scrape;
  EXPECT_NE(scrape.find("switchboard_breaker_open{kind=\"llm\",provider=\"backup\"} 0"), std::string::npos);
  ASSERT_EQ(op({"reset", "llm", "main"}).code, 0);
  EXPECT_NE(op({"status"}).out.find("llm: main"), std::string::npos);
  ASSERT_EQ(op({"force-open", "llm", "main"}).code, 0);
  ASSERT_EQ(op({"reset", "llm"}).code, 0) << "every llm provider";
  EXPECT_NE(op({"status"}).out.find("llm: main"), std::string::npos);
}

TEST_F(OperatorCli, SessionsListsWhatTheHostHolds) {
  {
    WsClient ws(host.port(), "/voice/operator-room", {{"X-API-Key", kUser}});
    ASSERT_TRUE(ws.until("state_change"));
    ws.send_json({{"type", "text"}, {"data", "hello"}});
    ASSERT_TRUE(ws.until("transcript_update"));
  }
  const auto sessions = op({"sessions"});
  ASSERT_EQ(sessions.code, 0) << sessions.err;
  EXPECT_NE(sessions.out.find("operator-room"), std::string::npos) << sessions.out;
}

TEST_F(OperatorCli, ReloadRereadsTheFile) {
  std::ofstream(host.config()) << config("second reply");
  const auto reload = op({"reload"});
  ASSERT_EQ(reload.code, 0) << reload.err;
  WsClient ws(host.port(), "/voice/after-reload", {{"X-API-Key", kUser}});
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  std::optional<nlohmann::json> answer;
  while ((answer = ws.until("transcript_update")) && (*answer)["data"]["speaker"] != "assistant") {
  }
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["data"]["text"], "second reply");
}

TEST_F(OperatorCli, AUserKeyIsRefusedWhatOnlyAdminsMayDoAndSaysSo) {
  const auto refused = op({"force-open", "llm", "main"}, kUser);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("403"), std::string::npos) << refused.err;
  const auto none = op({"providers"}, "");
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.err.find("401"), std::string::npos) << none.err;
}

TEST(OperatorCliAlone, AHostThatIsNotThereIsExitTwoWithTheReason) {
  const auto gone = run(SWITCHBOARD_BINARY, {"status", "--url", "http://127.0.0.1:1"});
  EXPECT_EQ(gone.code, 2);
  EXPECT_NE(gone.err.find("cannot reach http://127.0.0.1:1"), std::string::npos) << gone.err;
  const auto no_url = run(SWITCHBOARD_BINARY, {"providers"});
  EXPECT_EQ(no_url.code, 2);
  EXPECT_NE(no_url.err.find("--url URL"), std::string::npos) << no_url.err;
}

}  // namespace
}  // namespace switchboard::test
