// HTTP hygiene and the work a request may cost: malformed requests and
// oversized headers get an answer, connections over the caps hear 503,
// a reload does not hold an I/O thread, compressed audio past its limit is
// refused before it is all decoded, and the metrics say what the API did.
#include <fstream>
#include <future>

#include "security/security_fixture.hpp"
#include "support/scratch.hpp"

namespace switchboard::test {
namespace {

TEST(Hygiene, MalformedRequestsGet400AndOversizedHeaders431InTheApisFormat) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready());
  const auto garbage = raw_exchange(server.port(), "NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(raw_status(garbage), 400) << garbage;
  EXPECT_NE(garbage.find("\"detail\""), std::string::npos);
  const auto bad_length =
      raw_exchange(server.port(), "POST /auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n");
  EXPECT_EQ(raw_status(bad_length), 400) << bad_length;
  const auto huge = raw_exchange(
      server.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(raw_status(huge), 431) << huge.substr(0, 200);
  EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200) << "the server goes on";
}

TEST(Hygiene, AConnectionOverTheCapsHears503WithRetryAfter) {
  VoiceServer server(scripted_providers(), "{limits: {max_connections_per_ip: 2}}");
  ASSERT_TRUE(server.ready());
  WsClient a(server.port(), "/voice/cap-1");
  WsClient b(server.port(), "/voice/cap-2");
  ASSERT_TRUE(a.until("state_change") && b.until("state_change"));
  const auto refused = raw_exchange(server.port(), "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(raw_status(refused), 503) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
}

TEST(Hygiene, AReloadDoesNotHoldTheIoThread) {
  const std::string providers =
      "stt:\n  - {name: scripted, plugin: stt-scripted, config: {transcripts: [\"hi\"]}}\n"
      "llm:\n  - {name: echo, plugin: fixture-llm-echo, config: {}}\n"
      "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 10}}\n"
      "plugin_dirs: [\"" SWITCHBOARD_FIXTURE_PLUGIN_DIR "\"]\n";
  VoiceServer server(providers, "{threads: 1}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string text = read_file(server.config());
  const std::string plain = "plugin: fixture-llm-echo, config: {}";
  ASSERT_NE(text.find(plain), std::string::npos);
  text.replace(text.find(plain), plain.size(), "plugin: fixture-llm-echo, config: {start_delay_ms: 4000}");
  std::ofstream(server.config()) << text;
  auto reload = std::async(std::launch::async, [&] {
    return http_request(server.port(), "POST", "/admin/reload", "", {{"Content-Type", "application/json"}});
  });
  // The new provider is loading (it says so, then takes its time): the one
  // I/O thread still answers.
  ASSERT_FALSE(server.process().wait_for("echo starting").empty());
  EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200);
  EXPECT_EQ(reload.wait_for(std::chrono::seconds(0)), std::future_status::timeout)
      << "health answered while the reload was still running";
  EXPECT_EQ(reload.get().status, 200);
}

TEST(Hygiene, CompressedAudioPastItsLimitIsRefusedAndTheSessionGoesOn) {
  VoiceServer server(scripted_providers() + "audio: {max_message_seconds: 0.5}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient ws(server.port(), "/voice/bomb");
  ASSERT_TRUE(ws.until("state_change"));
  for (const char *name : {"hello.ogg", "hello.mp3"}) {
    const std::string bytes = read_file(std::string(SWITCHBOARD_TESTDATA_DIR) + "/speech/formats/" + name);
    ASSERT_FALSE(bytes.empty());
    ws.send_json({{"type", "audio"}, {"data", base64(bytes)}});
    const auto e = ws.until("error");
    ASSERT_TRUE(e) << name;
    EXPECT_EQ((*e)["code"], "bad_audio");
    EXPECT_NE((*e)["message"].get<std::string>().find("too long"), std::string::npos) << *e;
  }
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  EXPECT_TRUE(ws.until("audio"));
}

TEST(Hygiene, MetricsAreIntegersCountApiRequestsAndSpeakPrometheusOnlyWhenAskedFirst) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready());
  const int port = server.port();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(http_request(port, "GET", "/health").status, 200);
  const auto m = http_request(port, "GET", "/metrics", "", {{"Accept", "application/json, text/plain, */*"}});
  ASSERT_EQ(m.status, 200) << m.body;
  const auto body = m.json();
  ASSERT_TRUE(body["total_requests"].is_number_integer()) << body["total_requests"];
  EXPECT_GE(body["total_requests"].get<long>(), 6) << "five health checks and this request";
  EXPECT_TRUE(body["session_count"].is_number_integer());
  for (const char *kind : {"stt", "llm", "tts"}) {
    EXPECT_TRUE(body["provider_stats"][kind]["requests"].is_number_integer()) << kind;
    EXPECT_TRUE(body["provider_stats"][kind]["errors"].is_number_integer()) << kind;
  }
  for (const auto &[name, value] : body["counters"].items()) EXPECT_TRUE(value.is_number_integer()) << name;
  const auto prometheus = http_request(port, "GET", "/metrics", "", {{"Accept", "text/plain"}});
  EXPECT_EQ(prometheus.headers.at("content-type").rfind("text/plain", 0), 0U);
  const auto scraper = http_request(
      port, "GET", "/metrics", "",
      {{"Accept", "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"}});
  EXPECT_EQ(scraper.headers.at("content-type").rfind("text/plain", 0), 0U);
  EXPECT_EQ(http_request(port, "GET", "/metrics", "", {{"Accept", "*/*"}}).headers.at("content-type"),
            "application/json");
}

}  // namespace
}  // namespace switchboard::test
