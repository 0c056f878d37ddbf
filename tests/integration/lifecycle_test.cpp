// The host's life under load: a reload while fifty sessions talk drops none
// of their turns, and SIGTERM lets the turns under way finish before it
// closes every WebSocket with 1012 (Service Restart), so clients reconnect.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

#include "conformance/voice_client.hpp"
#include "support/ports.hpp"
#include "support/served_binary.hpp"

namespace switchboard::test {
namespace {

// A message's "data" object (empty when it has none).
nlohmann::json data_of(const nlohmann::json &m) {
  const auto it = m.find("data");
  return it != m.end() && it->is_object() ? *it : nlohmann::json::object();
}

// Answers that take a while to speak: ten words, 20 ms apart, 5 ms of tone a character.
std::string config(const std::string &reply, const std::string &listen = "127.0.0.1:0") {
  return "stt: [{name: words, plugin: stt-scripted}]\n"
         "llm: [{name: main, plugin: llm-scripted, config: {reply: \"" +
         reply +
         "\", first_token_ms: 20, token_ms: 20}}]\n"
         "tts: [{name: tone, plugin: tts-tone, config: {ms_per_char: 5}}]\n"
         "conversation: {cache_tts: false}\n"
         "shutdown: {grace_seconds: 20}\n"
         "transports:\n"
         "  - name: voice-api\n"
         "    plugin: transport-voice-api\n"
         "    listen: \"" +
         listen +
         "\"\n"
         "    config: {limits: {requests_per_minute: 0, messages_per_second: 0}}\n";
}

const std::string kFirst = "one two three four five six seven eight nine ten";
const std::string kSecond = "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty";

// One text turn: the assistant's words, or "" with what went wrong in `why`.
std::string turn(WsClient &ws, const std::string &text, std::string &why) {
  ws.send_json({{"type", "text"}, {"data", text}});
  std::string answer;
  for (;;) {
    const auto m = ws.next(std::chrono::seconds(60));
    if (!m) {
      why = "no message (close " + std::to_string(ws.close_code()) + ": " + ws.last_error() + ")";
      return "";
    }
    if ((*m)["type"] == "error") {
      why = m->dump();
      return "";
    }
    if ((*m)["type"] == "transcript_update" && data_of(*m).value("speaker", "") == "assistant") {
      answer = data_of(*m).value("text", "");
    }
    if ((*m)["type"] == "state_change" && m->value("state", "") == "listening" && !answer.empty()) return answer;
  }
}

TEST(Lifecycle, AReloadWhileFiftySessionsTalkDropsNoneOfTheirTurns) {
  ServedBinary host(SWITCHBOARD_BINARY, config(kFirst));
  ASSERT_TRUE(host.ready()) << host.process().err();
  constexpr int kSessions = 50;
  constexpr int kTurns = 4;
  std::mutex mutex;
  std::condition_variable progressed;
  int done = 0;
  std::vector<std::string> problems;
  std::atomic<int> first{0}, second{0};
  std::vector<std::thread> users;
  for (int i = 0; i < kSessions; ++i) {
    users.emplace_back([&, i] {
      WsClient ws(host.port(), "/voice/reload-" + std::to_string(i));
      if (!ws.until("state_change")) {
        std::lock_guard lock(mutex);
        problems.push_back("session " + std::to_string(i) + " never opened");
      }
      for (int t = 0; t < kTurns; ++t) {
        std::string why;
        const auto answer = turn(ws, "hello", why);
        std::lock_guard lock(mutex);
        if (answer == kFirst) ++first;
        if (answer == kSecond) ++second;
        if (answer != kFirst && answer != kSecond)
          problems.push_back("session " + std::to_string(i) + ": " + why + answer);
        ++done;
        progressed.notify_all();
      }
    });
  }
  // Reloads while the turns run: the first after a fifth of them, then after
  // every further fifth, alternating the answer so each swap is seen.
  for (int r = 1; r <= 3; ++r) {
    {
      std::unique_lock lock(mutex);
      progressed.wait(lock, [&] { return done >= r * kSessions * kTurns / 5; });
    }
    std::ofstream(host.config()) << config(r % 2 == 1 ? kSecond : kFirst);
    const auto reloaded =
        http_request(host.port(), "POST", "/admin/reload", "{}", {{"Content-Type", "application/json"}});
    EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  }
  for (auto &u : users) u.join();
  EXPECT_TRUE(problems.empty()) << problems.size() << " turns lost; the first: " << problems.front();
  EXPECT_EQ(first + second, kSessions * kTurns);
  EXPECT_GT(first, 0);
  EXPECT_GT(second, 0) << "turns after a reload use the new chain";
}

TEST(Lifecycle, SigtermLetsTurnsFinishThenClosesEverySocketWith1012) {
  ServedBinary host(SWITCHBOARD_BINARY, config(kFirst));
  ASSERT_TRUE(host.ready()) << host.process().err();
  constexpr int kTalking = 8, kIdle = 8;
  std::vector<std::unique_ptr<WsClient>> talking, idle;
  for (int i = 0; i < kTalking + kIdle; ++i) {
    // The talking ones ask for the answer's text as it is written: their turn is
    // under way once its first words arrive.
    auto ws = std::make_unique<WsClient>(host.port(),
                                         "/voice/stop-" + std::to_string(i) + (i < kTalking ? "?stream_text=1" : ""));
    ASSERT_TRUE(ws->until("state_change"));
    (i < kTalking ? talking : idle).push_back(std::move(ws));
  }
  for (auto &ws : talking) {
    ws->send_json({{"type", "text"}, {"data", "hello"}});
    ASSERT_TRUE(ws->until("response_text")) << "the turn is under way";
  }
  host.process().signal(SIGTERM);
  for (auto &ws : talking) {
    std::string answer;
    int audio = 0;
    while (const auto m = ws->next(std::chrono::seconds(60))) {
      if ((*m)["type"] == "transcript_update" && data_of(*m).value("speaker", "") == "assistant") {
        answer = data_of(*m).value("text", "");
      }
      if ((*m)["type"] == "audio") ++audio;
    }
    EXPECT_EQ(answer, kFirst) << "the turn under way finished";
    EXPECT_GT(audio, 0);
    EXPECT_EQ(ws->close_code(), 1012) << ws->last_error();
  }
  for (auto &ws : idle) {
    while (ws->next(std::chrono::seconds(60))) {
    }
    EXPECT_EQ(ws->close_code(), 1012) << ws->last_error();
  }
  EXPECT_EQ(host.process().wait(std::chrono::seconds(30)), 0) << host.process().err();
}

TEST(Lifecycle, AReloadThatMovesATransportAnswersThenListensOnTheNewAddress) {
  ServedBinary host(SWITCHBOARD_BINARY, config(kFirst));
  ASSERT_TRUE(host.ready()) << host.process().err();
  const int old_port = host.port();
  WsClient ws(old_port, "/voice/moving");
  ASSERT_TRUE(ws.until("state_change"));
  const int new_port = unused_port();
  std::ofstream(host.config()) << config(kFirst, "127.0.0.1:" + std::to_string(new_port));
  // Asked through the transport that moves: its answer still leaves.
  const auto reloaded = http_request(old_port, "POST", "/admin/reload", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  ASSERT_FALSE(host.process().wait_for("stopped on its old address").empty()) << host.process().err();
  EXPECT_EQ(http_request(new_port, "GET", "/health").status, 200);
  while (ws.next(std::chrono::seconds(20))) {
  }
  EXPECT_EQ(ws.close_code(), 1012) << "a client of the old address is told to reconnect";
  EXPECT_ANY_THROW(http_request(old_port, "GET", "/health")) << "nothing listens there now";
  WsClient moved(new_port, "/voice/moving");
  ASSERT_TRUE(moved.until("state_change"));
  std::string why;
  EXPECT_EQ(turn(moved, "hello", why), kFirst) << why;
}

TEST(Lifecycle, AMoveToAnAddressInUseLeavesTheTransportWhereItWas) {
  ServedBinary other(SWITCHBOARD_BINARY, config(kSecond));
  ServedBinary host(SWITCHBOARD_BINARY, config(kFirst));
  ASSERT_TRUE(other.ready() && host.ready());
  std::ofstream(host.config()) << config(kFirst, "127.0.0.1:" + std::to_string(other.port()));
  host.process().signal(SIGHUP);
  ASSERT_FALSE(host.process().wait_for("cannot move to 127\\.0\\.0\\.1:" + std::to_string(other.port())).empty())
      << host.process().err();
  WsClient ws(host.port(), "/voice/stayed");
  ASSERT_TRUE(ws.until("state_change"));
  std::string why;
  EXPECT_EQ(turn(ws, "hello", why), kFirst) << why;
}

}  // namespace
}  // namespace switchboard::test
