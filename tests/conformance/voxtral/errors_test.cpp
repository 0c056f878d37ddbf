// What the API refuses, each by its trigger: audio over 30 s (the
// document's own message), a session id under 5 characters, the 21st
// connection, binary frames, bad JSON and unknown types, audio with no
// words. The connection survives every refused message.
#include <gtest/gtest.h>

#include "voxtral_fixture.hpp"

namespace switchboard::test {
namespace {

struct VoxtralErrors : ::testing::Test {
  static void SetUpTestSuite() { server = std::make_unique<VoxtralServer>(scripted_voxtral_providers()); }
  static void TearDownTestSuite() { server.reset(); }
  static std::unique_ptr<VoxtralServer> server;
};
std::unique_ptr<VoxtralServer> VoxtralErrors::server;

std::string error_after(WsClient &ws, const nlohmann::json &message) {
  ws.send_json(message);
  const auto e = ws.until("error");
  return e ? (*e)["message"].get<std::string>() : "(none)";
}

TEST_F(VoxtralErrors, AudioOverThirtySecondsIsRefusedWithTheDocumentsMessage) {
  ASSERT_TRUE(server->ready()) << server->process().err();
  auto ws = connect(server->port(), "too-long");
  std::vector<std::int16_t> samples(static_cast<std::size_t>(35.2 * 16000), 0);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<std::int16_t>((i * 37) % 2000 - 1000);
  const auto wav = sdk::base64_encode(sdk::wav_file(samples.data(), samples.size(), 16000));
  EXPECT_EQ(error_after(*ws, {{"type", "audio"}, {"audio", wav}}),
            "Audio validation failed: Audio too long: 35.2s > 30s");
  ws->send_json({{"type", "text"}, {"text", "Hello"}});
  EXPECT_TRUE(ws->until("audio_response")) << "the connection goes on";
}

TEST_F(VoxtralErrors, EachBadMessageHasItsErrorAndTheConnectionGoesOn) {
  auto ws = connect(server->port(), "bad-messages");
  ws->send_text("{not json");
  EXPECT_EQ(ws->until("error").value_or(nlohmann::json())["message"], "Invalid JSON message");
  EXPECT_EQ(error_after(*ws, {{"type", "dance"}}), "Unknown message type: dance");
  EXPECT_EQ(error_after(*ws, {{"type", "audio"}, {"audio", "not base64!"}}),
            "Audio validation failed: the audio is not valid base64");
  EXPECT_EQ(error_after(*ws, {{"type", "audio"}}), "Audio validation failed: 'audio' must be a base64 string");
  EXPECT_EQ(error_after(*ws, {{"type", "text"}, {"text", "  "}}), "Empty text message");
  EXPECT_EQ(error_after(*ws, {{"type", "text"}, {"text", "Hi"}, {"voice", 3}}), "'voice' must be a string");
  const std::string broken = "RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x07\x00";
  EXPECT_EQ(error_after(*ws, {{"type", "audio"}, {"audio", sdk::base64_encode(broken)}})
                .rfind("Audio validation failed: ", 0),
            0U);
  ws->send_json({{"type", "text"}, {"text", "Hello"}});
  EXPECT_TRUE(ws->until("audio_response"));
}

TEST_F(VoxtralErrors, AudioWithNoWordsSaysSo) {
  auto ws = connect(server->port(), "no-words");
  const auto bytes = speech_bytes("silence-2s.wav");
  const auto silence = sdk::base64_encode(std::string(bytes.begin(), bytes.end()));
  EXPECT_EQ(error_after(*ws, {{"type", "audio"}, {"audio", silence}}), "No speech detected in the audio");
}

TEST_F(VoxtralErrors, BinaryFramesCloseWithUnsupportedData) {
  auto ws = connect(server->port(), "binary-frame");
  ws->send_binary(std::string(640, '\0'));
  const auto e = ws->next();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["type"], "error");
  EXPECT_FALSE(ws->next(std::chrono::seconds(5)));
  EXPECT_EQ(ws->close_code(), 1003);
}

TEST_F(VoxtralErrors, ASessionIdUnderFiveCharactersIsToldAndClosed) {
  WsClient ws(server->port(), "/ws/abcd");
  const auto e = ws.next();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["type"], "error");
  EXPECT_NE((*e)["message"].get<std::string>().find("at least 5 characters"), std::string::npos) << *e;
  EXPECT_FALSE(ws.next(std::chrono::seconds(5)));
  EXPECT_EQ(ws.close_code(), 1002);
  auto five = connect(server->port(), "abcde");  // five is enough
}

TEST(VoxtralLimits, TwentyConnectionsThenTheNextIsToldAndClosed) {
  VoxtralServer server(scripted_voxtral_providers());
  ASSERT_TRUE(server.ready()) << server.process().err();
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 20; ++i) open.push_back(connect(server.port(), "limit-" + std::to_string(i)));
  WsClient over(server.port(), "/ws/limit-over");
  const auto e = over.next();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["type"], "error");
  EXPECT_NE((*e)["message"].get<std::string>().find("at most 20"), std::string::npos) << *e;
  EXPECT_FALSE(over.next(std::chrono::seconds(5)));
  EXPECT_EQ(over.close_code(), 1011);
  open.front()->send_json({{"type", "text"}, {"text", "Hello"}});
  EXPECT_TRUE(open.front()->until("audio_response")) << "those open are unaffected";
}

}  // namespace
}  // namespace switchboard::test
