// The load generator reads a server's messages as JSON: the same message
// counts however the server spells it, and nothing else is mistaken for it.
#include "loadgen/server_message.hpp"

#include <gtest/gtest.h>

namespace loadgen {
namespace {

using Kind = ServerMessage::Kind;

TEST(ServerMessage, AnAcknowledgementIsReadHoweverItIsSpaced) {
  for (const char *text : {R"({"type":"audio_ack","seq":41,"dropped_samples":320})",
                           R"({"type": "audio_ack", "seq": 41, "dropped_samples": 320})",
                           R"({ "dropped_samples" : 320 , "seq" : 41 , "type" : "audio_ack" })"}) {
    const ServerMessage m = read_server_message(text);
    EXPECT_EQ(m.kind, Kind::audio_ack) << text;
    EXPECT_EQ(m.seq, 41) << text;
    EXPECT_EQ(m.dropped_samples, 320) << text;
  }
}

TEST(ServerMessage, AnAcknowledgementWithoutItsNumbersSaysSo) {
  const ServerMessage m = read_server_message(R"({"type":"audio_ack","seq":"7"})");
  EXPECT_EQ(m.kind, Kind::audio_ack);
  EXPECT_EQ(m.seq, -1);
  EXPECT_EQ(m.dropped_samples, -1);
}

TEST(ServerMessage, OnlyTheEndOfSpeechInAVadStatusCounts) {
  EXPECT_EQ(read_server_message(R"({"type": "vad_status", "data": {"is_speech": false, "speech_ended": true}})").kind,
            Kind::speech_ended);
  EXPECT_EQ(read_server_message(R"({"type":"vad_status","data":{"is_speech":true,"speech_ended":false}})").kind,
            Kind::other);
  EXPECT_EQ(read_server_message(R"({"type":"vad_status","data":{"speech_ended":"true"}})").kind, Kind::other);
}

TEST(ServerMessage, AudioAndErrorsAreToldApart) {
  EXPECT_EQ(read_server_message(R"({"type": "audio", "data": "UklGRg=="})").kind, Kind::audio);
  EXPECT_EQ(read_server_message(R"({"type":"error","message":"bad","code":"bad_audio"})").kind, Kind::error);
  // A transcript that quotes a message type is not that message.
  EXPECT_EQ(read_server_message(R"({"type":"transcript_update","data":{"text":"\"type\":\"error\""}})").kind,
            Kind::other);
}

TEST(ServerMessage, WhatIsNotAnObjectWithAStringTypeIsOther) {
  for (const char *text : {"", "not json", "[]", "42", R"({"type":1})", R"({"seq":3})", R"({"type":"audio_ack")"}) {
    EXPECT_EQ(read_server_message(text).kind, Kind::other) << text;
  }
}

}  // namespace
}  // namespace loadgen
