// The server-side cases of Autobahn|Testsuite, by group, against every
// route a binary names (websocket_route.hpp). Each case is a fresh
// connection; a protocol violation must fail the connection as RFC 6455
// says: a close frame with the code for what was wrong (1002 a protocol
// error, 1007 text that is not UTF-8, 1009 a message too big), then the
// server ends the TCP connection.
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "conformance/websocket/websocket_route.hpp"
#include "support/raw_websocket.hpp"

namespace switchboard::test {

std::string padded_json(const std::string &head, const std::string &field, const std::string &note, std::size_t size) {
  std::string text = head + ",\"" + field + "\":" + nlohmann::json(note).dump() + "}";
  if (text.size() < size) text.append(size - text.size(), ' ');
  return text;
}

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::unique_ptr<RawWebSocket> connect(const WsRoute &route) {
  auto ws = std::make_unique<RawWebSocket>(route.port, route.target, route.headers);
  EXPECT_TRUE(ws->open()) << ws->failure();
  return ws;
}

// Reads the server's messages until one answers `sent` (a text message the
// route recognises, or for an echo the same binary message; the server may
// send a message in fragments); what the route says besides (a welcome, a
// state) is passed over. Every frame a server sends is unmasked, with no
// reserved bit set.
::testing::AssertionResult answered(RawWebSocket &ws, const WsRoute &route, const std::string &sent, int op,
                                    milliseconds deadline = seconds(10)) {
  while (auto frame = ws.next_message(deadline)) {
    if (frame->masked || frame->rsv != 0) return ::testing::AssertionFailure() << "a masked or reserved-bit frame";
    if (frame->opcode == opcode::close) {
      return ::testing::AssertionFailure() << "closed with " << frame->payload.size() << " bytes of reason";
    }
    if (frame->opcode == op && op == opcode::binary && frame->payload == sent) return ::testing::AssertionSuccess();
    if (frame->opcode == op && op == opcode::text && route.answers(sent, frame->payload)) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no answer (" << (ws.ended() ? "connection ended" : "deadline") << ")";
}

// The connection is failed: a close frame with `code`, then the end.
::testing::AssertionResult failed_with(RawWebSocket &ws, std::vector<int> codes) {
  const int code = ws.close_code();
  if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
    return ::testing::AssertionFailure() << "closed with " << code << " (0: no close frame), not " << codes.front();
  }
  if (!ws.server_ended()) return ::testing::AssertionFailure() << "the server kept the connection open";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult failed_with(RawWebSocket &ws, int code) {
  return failed_with(ws, std::vector<int>{code});
}

constexpr int kProtocolError = 1002, kBadPayload = 1007, kTooBig = 1009;

// A frame that breaks the protocol, alone on a fresh connection.
::testing::AssertionResult fails(const WsRoute &route, const WsFrame &frame, int code) {
  auto ws = connect(route);
  ws->send(frame);
  return failed_with(*ws, code);
}

// 1.1, 1.2: messages of each length class (7-bit, 16-bit and 64-bit sizes)
// up to the route's limit, whole and written a byte at a time.
TEST_P(WebSocketMessageConformance, FramingMessagesOfEveryLengthAreUnderstood) {
  const auto &r = route();
  auto ws = connect(r);
  for (std::size_t size : {r.min_message_bytes, std::size_t{125}, std::size_t{126}, std::size_t{127},
                           std::size_t{65535}, std::size_t{65536}, r.max_message_bytes}) {
    if (size < r.min_message_bytes || size > r.max_message_bytes) continue;
    const auto text = r.message(size, "a");
    ws->send({opcode::text, text});
    EXPECT_TRUE(answered(*ws, r, text, opcode::text)) << size << " bytes";
  }
  const auto text = r.message(std::max<std::size_t>(r.min_message_bytes, 300), "a");
  ws->send_bytes(encode_frame({opcode::text, text}), 1);
  EXPECT_TRUE(answered(*ws, r, text, opcode::text)) << "a byte at a time";
}

TEST_P(WebSocketBinaryEchoConformance, FramingBinaryMessagesAreEchoed) {
  const auto &r = route();
  auto ws = connect(r);
  for (std::size_t size : {0, 125, 65536}) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7);
    ws->send({opcode::binary, bytes});
    EXPECT_TRUE(answered(*ws, r, bytes, opcode::binary)) << size << " bytes";
  }
}

// 2.x: ping and pong.
TEST_P(WebSocketConformance, PingIsAnsweredWithAPongCarryingItsPayload) {
  auto ws = connect(route());
  std::string binary(125, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(255 - i);
  for (const std::string &payload : {std::string(), std::string("Hello, world!"), binary}) {
    ws->send({opcode::ping, payload});
    std::optional<WsFrame> pong;
    while ((pong = ws->next()) && pong->opcode != opcode::pong) {
    }
    ASSERT_TRUE(pong) << "no pong for a ping of " << payload.size() << " bytes";
    EXPECT_EQ(pong->payload, payload);
    EXPECT_FALSE(pong->masked);
  }
}

TEST_P(WebSocketConformance, TenPingsInOneWriteGetTenPongsInOrder) {
  auto ws = connect(route());
  std::string burst;
  for (int i = 0; i < 10; ++i) burst += encode_frame({opcode::ping, "ping " + std::to_string(i)});
  ws->send_bytes(burst);
  for (int i = 0; i < 10;) {
    const auto frame = ws->next();
    ASSERT_TRUE(frame) << "pong " << i << " did not come";
    if (frame->opcode != opcode::pong) continue;
    EXPECT_EQ(frame->payload, "ping " + std::to_string(i));
    ++i;
  }
}

TEST_P(WebSocketConformance, APingOver125BytesFailsTheConnection) {
  EXPECT_TRUE(fails(route(), {opcode::ping, std::string(126, 'x')}, kProtocolError));
}

TEST_P(WebSocketConformance, AnUnaskedPongIsIgnored) {
  const auto &r = route();
  auto ws = connect(r);
  ws->send({opcode::pong, "unasked"});
  if (r.message) {
    const auto text = r.message(r.min_message_bytes, "after a pong");
    ws->send({opcode::text, text});
    EXPECT_TRUE(answered(*ws, r, text, opcode::text));
  }
  ws->send({opcode::ping, "still there?"});
  std::optional<WsFrame> frame;
  while ((frame = ws->next()) && frame->opcode != opcode::pong) {
  }
  ASSERT_TRUE(frame) << "the connection did not outlive an unasked pong";
  EXPECT_EQ(frame->payload, "still there?");
}

// 3.x: reserved bits with no extension agreed.
TEST_P(WebSocketConformance, AReservedBitFailsTheConnection) {
  for (int rsv : {4, 2, 1, 7}) {
    EXPECT_TRUE(fails(route(), {opcode::text, "{}", true, rsv}, kProtocolError)) << "text with RSV " << rsv;
  }
  EXPECT_TRUE(fails(route(), {opcode::ping, "", true, 4}, kProtocolError)) << "ping with RSV1";
}

// 4.x: opcodes RFC 6455 reserves.
TEST_P(WebSocketConformance, AReservedOpcodeFailsTheConnection) {
  for (int op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    EXPECT_TRUE(fails(route(), {op, "reserved"}, kProtocolError)) << "opcode " << op;
  }
}

// 5.x: fragmentation.
TEST_P(WebSocketMessageConformance, AFragmentedMessageIsUnderstoodWholeWithPingsBetweenItsFragments) {
  const auto &r = route();
  auto ws = connect(r);
  const auto text = r.message(std::max<std::size_t>(r.min_message_bytes, 64), "in pieces");
  // Two fragments, a ping between them answered before the message ends.
  const auto half = text.size() / 2;
  ws->send({opcode::text, text.substr(0, half), false});
  ws->send({opcode::ping, "between"});
  std::optional<WsFrame> pong;
  while ((pong = ws->next()) && pong->opcode != opcode::pong) {
  }
  ASSERT_TRUE(pong) << "a ping inside a fragmented message must be answered at once";
  EXPECT_EQ(pong->payload, "between");
  ws->send({opcode::continuation, text.substr(half), true});
  EXPECT_TRUE(answered(*ws, r, text, opcode::text)) << "two fragments";
  // A fragment a byte, and empty fragments among them.
  std::string frames = encode_frame({opcode::text, text.substr(0, 1), false});
  for (std::size_t i = 1; i < text.size(); ++i) {
    frames += encode_frame({opcode::continuation, "", false});
    frames += encode_frame({opcode::continuation, text.substr(i, 1), i + 1 == text.size()});
  }
  ws->send_bytes(frames);
  EXPECT_TRUE(answered(*ws, r, text, opcode::text)) << "a fragment a byte";
}

TEST_P(WebSocketConformance, FragmentsOutOfOrderFailTheConnection) {
  const auto &r = route();
  EXPECT_TRUE(fails(r, {opcode::continuation, "nothing to continue"}, kProtocolError)) << "a lone continuation";
  EXPECT_TRUE(fails(r, {opcode::continuation, "nothing to continue", false}, kProtocolError))
      << "a continuation that starts a message";
  {
    auto ws = connect(r);
    ws->send({opcode::text, "{\"first\":", false});
    ws->send({opcode::text, "\"second\"}"});
    EXPECT_TRUE(failed_with(*ws, kProtocolError)) << "a new message before the last one ended";
  }
  EXPECT_TRUE(fails(r, {opcode::ping, "part", false}, kProtocolError)) << "a fragmented ping";
  EXPECT_TRUE(fails(r, {opcode::pong, "part", false}, kProtocolError)) << "a fragmented pong";
  EXPECT_TRUE(fails(r, {opcode::close, close_payload(1000), false}, kProtocolError)) << "a fragmented close";
}

// 6.x: UTF-8 in text messages.
TEST_P(WebSocketMessageConformance, TextInEveryUtf8LengthIsUnderstoodWhereverItsFragmentsSplitIt) {
  const auto &r = route();
  auto ws = connect(r);
  // 2-, 3- and 4-byte sequences, the last code points of the BMP and of
  // Unicode.
  const std::string note =
      "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 \xf0\x9d\x84\x9e \xef\xbf\xbf \xf4\x8f\xbf\xbf";
  const auto text = r.message(r.min_message_bytes + note.size() + 2, note);
  ws->send({opcode::text, text});
  EXPECT_TRUE(answered(*ws, r, text, opcode::text)) << "whole";
  // Split at every byte, so each multi-byte sequence spans fragments.
  std::string frames = encode_frame({opcode::text, text.substr(0, 1), false});
  for (std::size_t i = 1; i < text.size(); ++i) {
    frames += encode_frame({opcode::continuation, text.substr(i, 1), i + 1 == text.size()});
  }
  ws->send_bytes(frames);
  EXPECT_TRUE(answered(*ws, r, text, opcode::text)) << "a fragment a byte";
}

TEST_P(WebSocketConformance, TextThatIsNotUtf8FailsTheConnectionWith1007) {
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"a lone continuation byte", "\x80"},
      {"an overlong slash", "\xc0\xaf"},
      {"an overlong 3-byte form", "\xe0\x80\xaf"},
      {"a UTF-16 surrogate", "\xed\xa0\x80"},
      {"past U+10FFFF", "\xf4\x90\x80\x80"},
      {"a byte UTF-8 never has", "\xfe"},
      {"a sequence cut off at the end", "\xce\xba\xe1\xbd"},
  };
  for (const auto &[what, bytes] : invalid) {
    EXPECT_TRUE(fails(route(), {opcode::text, "{\"type\":\"" + bytes + "\"}"}, kBadPayload)) << what;
  }
  // In a later fragment: the first was valid and already taken.
  auto ws = connect(route());
  ws->send({opcode::text, "{\"type\":\"", false});
  ws->send({opcode::continuation, "\xed\xa0\x80\"}", true});
  EXPECT_TRUE(failed_with(*ws, kBadPayload)) << "a surrogate in the second fragment";
}

// 7.x: the close handshake.
TEST_P(WebSocketConformance, ACloseIsAnsweredWithItsCodeAndTheServerEndsTheConnection) {
  {
    auto ws = connect(route());
    ws->send({opcode::close, ""});
    EXPECT_EQ(ws->close_code(), 1000) << "a close without a code is answered as a normal close";
    EXPECT_TRUE(ws->server_ended());
  }
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    auto ws = connect(route());
    ws->send({opcode::close, close_payload(code, "bye")});
    EXPECT_EQ(ws->close_code(), code) << "the server answers a close with the code it was given";
    EXPECT_TRUE(ws->server_ended()) << code;
  }
}

TEST_P(WebSocketConformance, NothingSentAfterACloseIsAnswered) {
  const auto &r = route();
  auto ws = connect(r);
  std::string after = r.message ? r.message(r.min_message_bytes, "after the close") : std::string("{}");
  ws->send_bytes(encode_frame({opcode::close, close_payload(1000)}) + encode_frame({opcode::text, after}) +
                 encode_frame({opcode::ping, "after the close"}));
  std::vector<int> seen;
  while (auto frame = ws->next(seconds(5))) seen.push_back(frame->opcode);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), opcode::close) << "the close answer is the last frame";
  EXPECT_EQ(std::count(seen.begin(), seen.end(), opcode::pong), 0) << "a ping after the close is not answered";
  EXPECT_TRUE(ws->ended());
}

TEST_P(WebSocketConformance, ABadClosePayloadFailsTheConnection) {
  const auto &r = route();
  EXPECT_TRUE(fails(r, {opcode::close, "\x03"}, kProtocolError)) << "a 1-byte close payload";
  // RFC 6455 7.4.2 leaves codes past 4999 undefined (Autobahn's 7.13 cases
  // only report what a server does with them): they are not tested.
  for (int code : {0, 999, 1004, 1005, 1006, 1014, 1015, 1016, 1100, 2000, 2999}) {
    EXPECT_TRUE(fails(r, {opcode::close, close_payload(code)}, kProtocolError)) << "close code " << code;
  }
  EXPECT_TRUE(fails(r, {opcode::close, close_payload(1000, std::string(124, 'r'))}, kProtocolError))
      << "a close frame over 125 bytes";
  auto ws = connect(r);
  ws->send({opcode::close, close_payload(1000, "\xed\xa0\x80")});
  // Autobahn takes either: the frame is malformed, and its text is not UTF-8.
  EXPECT_TRUE(failed_with(*ws, {kProtocolError, kBadPayload})) << "a reason that is not UTF-8";
}

// RFC 6455 5.1: a client's frames are masked; the server fails one that is not.
TEST_P(WebSocketConformance, AnUnmaskedFrameFailsTheConnection) {
  WsFrame frame{opcode::text, "{}"};
  frame.masked = false;
  EXPECT_TRUE(fails(route(), frame, kProtocolError));
  frame = {opcode::ping, "unmasked"};
  frame.masked = false;
  EXPECT_TRUE(fails(route(), frame, kProtocolError));
}

// 9.x: limits.
TEST_P(WebSocketConformance, AMessageOverTheLimitFailsTheConnectionWith1009) {
  const auto &r = route();
  EXPECT_TRUE(fails(r, {opcode::text, std::string(r.max_message_bytes + 1, ' ')}, kTooBig)) << "in one frame";
  auto ws = connect(r);
  ws->send({opcode::text, std::string(r.max_message_bytes / 2 + 1, ' '), false});
  ws->send({opcode::continuation, std::string(r.max_message_bytes / 2 + 1, ' '), true});
  EXPECT_TRUE(failed_with(*ws, kTooBig)) << "in two fragments, each under the limit";
}

// 12.x, 13.x: compression is not agreed to; RFC 6455 4.2.2 and 4.4 for the rest.
TEST_P(WebSocketConformance, TheUpgradeAgreesToNoExtensionAndRefusesWhatIsNotRfc6455) {
  const auto &r = route();
  {
    auto headers = r.headers;
    headers["Sec-WebSocket-Extensions"] = "permessage-deflate; client_max_window_bits";
    RawWebSocket ws(r.port, r.target, headers);
    ASSERT_TRUE(ws.open()) << ws.failure();
    EXPECT_EQ(ws.header("sec-websocket-extensions"), "") << "no extension is agreed, so RSV1 stays an error";
  }
  {
    auto headers = r.headers;
    headers["Sec-WebSocket-Version"] = "8";
    RawWebSocket ws(r.port, r.target, headers);
    EXPECT_FALSE(ws.open());
    EXPECT_EQ(ws.status(), 426) << "another version is refused with the one spoken";
    EXPECT_EQ(ws.header("sec-websocket-version"), "13");
  }
  {
    auto headers = r.headers;
    headers["Sec-WebSocket-Key"] = "";
    RawWebSocket ws(r.port, r.target, headers);
    EXPECT_FALSE(ws.open());
    EXPECT_EQ(ws.status(), 400) << "an upgrade without a key";
  }
}

}  // namespace

// A binary whose routes all give binary messages their own meaning runs
// no binary echo case.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WebSocketBinaryEchoConformance);

}  // namespace switchboard::test
