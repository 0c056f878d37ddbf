// What the transport carries beyond the document's happy path: the audio
// formats a browser sends, the output format, reloading, and the limits.
#include <fstream>

#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace switchboard::test {
namespace {

std::string final_user_text(WsClient &ws) {
  for (;;) {
    const auto m = ws.until("transcript_update");
    if (!m) return "(none)";
    if ((*m)["data"]["speaker"] == "user" && (*m)["data"]["is_final"] == true) return (*m)["data"]["text"];
  }
}

TEST(Formats, WebmChunksFromABrowserAndResampledWavAreHeard) {
  VoiceServer server(offline_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  {
    // As the document's MediaRecorder example sends it: small chunks of one
    // WebM/Opus stream, each base64 in an audio message.
    WsClient ws(server.port(), "/voice/webm");
    ASSERT_TRUE(ws.until("state_change"));
    const auto bytes = speech_bytes("formats/hello.webm");
    const std::string webm(bytes.begin(), bytes.end());
    for (std::size_t at = 0; at < webm.size(); at += 1000) {
      ws.send_json({{"type", "audio"}, {"data", base64(webm.substr(at, 1000))}});
    }
    ws.send_json({{"type", "audio_end"}});
    EXPECT_NE(final_user_text(ws).find("hello"), std::string::npos);
  }
  {
    WsClient ws(server.port(), "/voice/wav24k");
    ASSERT_TRUE(ws.until("state_change"));
    const auto wav = speech_bytes("formats/hello-24k.wav");
    ws.send_json({{"type", "audio"}, {"data", base64(std::string(wav.begin(), wav.end()))}});
    ws.send_json({{"type", "audio_end"}});
    EXPECT_NE(final_user_text(ws).find("hello"), std::string::npos);
  }
}

TEST(Formats, Pcm16OutputSaysItsRate) {
  VoiceServer server(scripted_providers(), "{output_format: pcm16}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient ws(server.port(), "/voice/pcm16");
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  const auto audio = ws.until("audio");
  ASSERT_TRUE(audio);
  EXPECT_EQ((*audio)["format"], "pcm16");
  EXPECT_EQ((*audio)["sample_rate"], 16000);
  EXPECT_NE(base64_decode((*audio)["data"]).substr(0, 4), "RIFF");
}

TEST(Operations, ReloadAppliesAnEditedConfigAndRefusesABrokenOne) {
  VoiceServer server(scripted_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::string text = read_file(server.config());
  const std::string before = "Hi! How can I help you today?";
  text.replace(text.find(before), before.size(), "Reloaded reply.");
  std::ofstream(server.config()) << text;
  const auto reloaded =
      http_request(server.port(), "POST", "/admin/reload", "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  WsClient ws(server.port(), "/voice/reloaded");
  ASSERT_TRUE(ws.until("state_change"));
  ws.send_json({{"type", "text"}, {"data", "hello"}});
  std::string answer;
  ASSERT_TRUE(ws.until("audio"));
  for (int i = 0; i < 50 && answer.empty(); ++i) {
    const auto m = ws.until("transcript_update");
    if (m && (*m)["data"]["speaker"] == "assistant") answer = (*m)["data"]["text"];
  }
  EXPECT_EQ(answer, "Reloaded reply.");

  std::ofstream(server.config()) << text << "llm: not a list\n";
  const auto refused = http_request(server.port(), "POST", "/admin/reload", "", {{"Content-Type", "application/json"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.json()["detail"].get<std::string>().find("reload refused"), std::string::npos);
  EXPECT_EQ(http_request(server.port(), "GET", "/health").json()["status"], "healthy") << "the running config stays";
}

TEST(Limits, RequestsPastTheRateGet429WithRetryAfter) {
  VoiceServer server(scripted_providers(), "{limits: {requests_per_minute: 5}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(http_request(server.port(), "GET", "/sessions").status, 200) << i;
  const auto limited = http_request(server.port(), "GET", "/sessions");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.json()["detail"].get<std::string>().rfind("Rate limit exceeded. Try again in ", 0), 0U)
      << limited.body;
  EXPECT_GE(std::stoi(limited.headers.at("retry-after")), 1);
}

TEST(Limits, ConnectionsPerAddressAreCapped) {
  VoiceServer server(scripted_providers(), "{limits: {max_connections_per_ip: 2}}");
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient first(server.port(), "/voice/cap-1");
  WsClient second(server.port(), "/voice/cap-2");
  ASSERT_TRUE(first.until("state_change"));
  ASSERT_TRUE(second.until("state_change"));
  EXPECT_THROW(WsClient(server.port(), "/voice/cap-3"), std::exception) << "a third connection is refused";
  first.close();
  second.close();
  // Once they are gone, a new one is welcome again (the server counts closes).
  bool admitted = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!admitted && std::chrono::steady_clock::now() < deadline) {
    try {
      WsClient again(server.port(), "/voice/cap-4");
      admitted = again.until("state_change").has_value();
    } catch (const std::exception &) {
    }
  }
  EXPECT_TRUE(admitted);
}

}  // namespace
}  // namespace switchboard::test
