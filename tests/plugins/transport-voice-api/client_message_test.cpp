// The native transport's client frames (voice-assistant.md, "WebSocket"):
// every message the document names, with its fields as JSON allows them to
// be written, and every kind of malformed frame refused in the API's words.
#include "client_message.hpp"

#include <gtest/gtest.h>

#include "switchboard/sdk/base64.hpp"

namespace voice_api {
namespace {

using Kind = ClientMessage::Kind;

TEST(ClientMessage, AnAudioMessageGivesItsBytesAndItsNumber) {
  const std::string pcm = std::string("\x01\x02\xfe\xff", 4) + std::string(636, '\x7f');
  const auto m =
      decode_client_message(R"({"type":"audio","data":")" + switchboard::sdk::base64_encode(pcm) + R"(","seq":42})");
  ASSERT_EQ(m.kind, Kind::audio) << m.error;
  EXPECT_EQ(m.data, pcm);
  EXPECT_EQ(m.seq, 42);
}

TEST(ClientMessage, FieldsAreReadHoweverTheJsonIsWritten) {
  // Spaced out, in another order, with the slashes of base64 escaped as
  // some encoders write them, and an unknown field beside them.
  const auto m = decode_client_message(
      "{ \"seq\" : 7 ,\n \"extra\": {\"a\": [1, 2]}, \"data\": \"\\/w\\/w\", "
      "\"type\" : \"audio\" }");
  ASSERT_EQ(m.kind, Kind::audio) << m.error;
  EXPECT_EQ(m.data, switchboard::sdk::base64_decode("/w/w").value());
  EXPECT_EQ(m.seq, 7);
}

TEST(ClientMessage, ASeqThatIsNotAnIntegerIsNoNumber) {
  for (const char *seq : {"1.5", "\"3\"", "null", "18446744073709551615"}) {
    const auto m = decode_client_message(std::string(R"({"type":"audio","data":"AAAA","seq":)") + seq + "}");
    ASSERT_EQ(m.kind, Kind::audio) << seq;
    EXPECT_FALSE(m.seq) << seq;
  }
}

TEST(ClientMessage, TextMessagesKeepTheirCharactersAndEscapes) {
  const auto m = decode_client_message(R"({"type":"text","data":"caf\u00e9 \"quoted\" \n line"})");
  ASSERT_EQ(m.kind, Kind::text) << m.error;
  EXPECT_EQ(m.data, "caf\xc3\xa9 \"quoted\" \n line");
}

TEST(ClientMessage, ControlMessagesNeedOnlyTheirType) {
  EXPECT_EQ(decode_client_message(R"({"type":"interrupt"})").kind, Kind::interrupt);
  EXPECT_EQ(decode_client_message(R"({"type":"audio_end","reason":"done"})").kind, Kind::audio_end);
}

TEST(ClientMessage, MalformedFramesAreRefusedWithTheApisCodes) {
  const std::pair<const char *, const char *> cases[] = {
      {"", "bad_json"},
      {"not json", "bad_json"},
      {"[1,2]", "bad_json"},
      {"\"audio\"", "bad_json"},
      {R"({"type":"audio","data":"AAAA")", "bad_json"},
      {R"({"type":"interrupt"} trailing)", "bad_json"},
      {"{\"type\":\"text\",\"data\":\"\xff\xfe\"}", "bad_json"},
      {R"({"data":"AAAA"})", "bad_message"},
      {R"({"type":7})", "bad_message"},
      {R"({"type":"audio"})", "bad_audio"},
      {R"({"type":"audio","data":12})", "bad_audio"},
      {R"({"type":"audio","data":"AA*A"})", "bad_base64"},
      {R"({"type":"text"})", "bad_message"},
      {R"({"type":"dance"})", "unknown_type"},
  };
  for (const auto &[raw, code] : cases) {
    const auto m = decode_client_message(raw);
    EXPECT_EQ(m.kind, Kind::refused) << raw;
    EXPECT_EQ(m.code, code) << raw;
    EXPECT_FALSE(m.error.empty()) << raw;
  }
  EXPECT_EQ(decode_client_message(R"({"type":"dance"})").error, "Unknown message type: dance");
}

TEST(ClientMessage, DecodingIntoTheSameMessageForgetsWhatTheLastOneSaid) {
  ClientMessage m;
  decode_client_message(R"({"type":"audio","data":"AAAA","seq":5})", m);
  ASSERT_EQ(m.seq, 5);
  decode_client_message(R"({"type":"audio","data":"AAAA"})", m);
  EXPECT_EQ(m.kind, Kind::audio);
  EXPECT_FALSE(m.seq) << "an unnumbered message after a numbered one";
  decode_client_message("{", m);
  EXPECT_EQ(m.kind, Kind::refused);
  decode_client_message(R"({"type":"interrupt"})", m);
  EXPECT_EQ(m.kind, Kind::interrupt);
}

}  // namespace
}  // namespace voice_api
