// WebSocket /ws/{session_id}: every message type of the document, both ways.
#include "conformance/poppins/poppins_fixture.hpp"

namespace switchboard::test {
namespace {

// Messages until response_complete (included), or until one is missing.
std::vector<nlohmann::json> until_complete(WsClient &ws) {
  std::vector<nlohmann::json> out;
  while (auto m = ws.next(std::chrono::seconds(20))) {
    out.push_back(*m);
    if ((*m)["type"] == "response_complete" || (*m)["type"] == "error") break;
  }
  return out;
}

std::size_t count_of(const std::vector<nlohmann::json> &ms, const std::string &type) {
  return static_cast<std::size_t>(
      std::count_if(ms.begin(), ms.end(), [&](const auto &m) { return m["type"] == type; }));
}

TEST(PoppinsSocket, PingIsAnsweredWithPong) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient ws(server.port(), "/ws/user123");
  ws.send_json({{"type", "ping"}});
  EXPECT_EQ(ws.next(), (nlohmann::json{{"type", "pong"}}));
}

TEST(PoppinsSocket, ATextMessageStreamsTextChunksAndSpeechThenCompletes) {
  PoppinsServer server(streaming_providers(5, "Hello there. I can help."));
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient ws(server.port(), "/ws/user123");
  ws.send_json({{"type", "text_message"}, {"message", "Hello, I need help with my baby"}});  // include_audio: true
  const auto ms = until_complete(ws);
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.back(), (nlohmann::json{{"type", "response_complete"}, {"session_id", "user123"}}));
  std::string text;
  for (const auto &m : ms) {
    if (m["type"] == "text_chunk") {
      EXPECT_EQ(m["session_id"], "user123");
      text += m["data"].get<std::string>();
    }
    if (m["type"] == "audio_chunk") {
      EXPECT_EQ(wav_format_b64(m["data"]).rate, 24000U);
    }
  }
  EXPECT_EQ(text, "Hello there. I can help.");
  EXPECT_GE(count_of(ms, "audio_chunk"), 2U);

  ws.send_json({{"type", "text_message"}, {"message", "And again"}, {"include_audio", false}});
  const auto quiet = until_complete(ws);
  EXPECT_EQ(count_of(quiet, "audio_chunk"), 0U);
  EXPECT_GT(count_of(quiet, "text_chunk"), 0U);
  EXPECT_EQ(quiet.back()["type"], "response_complete");
  EXPECT_EQ(http_request(server.port(), "GET", "/session/user123/stats").json()["conversation_pairs"], 2);
}

TEST(PoppinsSocket, AnAudioMessageIsHeardAndAnswered) {
  PoppinsServer server(offline_providers(2));
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient ws(server.port(), "/ws/voice1");
  ws.send_json({{"type", "audio_message"}, {"audio_data", speech_b64("sleep.wav")}});
  const auto ms = until_complete(ws);
  ASSERT_FALSE(ms.empty());
  EXPECT_EQ(ms.back()["type"], "response_complete");
  EXPECT_GT(count_of(ms, "text_chunk"), 0U);
  EXPECT_GT(count_of(ms, "audio_chunk"), 0U);
  const auto heard = std::find_if(ms.begin(), ms.end(), [](const auto &m) { return m["type"] == "transcript"; });
  ASSERT_NE(heard, ms.end());
  EXPECT_EQ((*heard)["data"], "how can i help my mother sleep better");
}

TEST(PoppinsSocket, BadMessagesGetAnErrorAndTheSocketGoesOn) {
  PoppinsServer server(streaming_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  WsClient ws(server.port(), "/ws/user123");
  ws.send_text("{not json");
  EXPECT_EQ(ws.next(), (nlohmann::json{{"type", "error"}, {"message", "Invalid JSON"}}));
  ws.send_json({{"type", "dance"}});
  EXPECT_EQ(ws.next(), (nlohmann::json{{"type", "error"}, {"message", "Unknown message type: dance"}}));
  ws.send_json({{"type", "text_message"}});
  EXPECT_EQ((*ws.next())["type"], "error");
  ws.send_json({{"type", "audio_message"}, {"audio_data", "%%%"}});
  EXPECT_EQ(ws.next(), (nlohmann::json{{"type", "error"}, {"message", "audio_data is not valid base64"}}));
  ws.send_json({{"type", "ping"}});
  EXPECT_EQ(ws.next(), (nlohmann::json{{"type", "pong"}}));
}

}  // namespace
}  // namespace switchboard::test
