// A WebSocket client that writes frames bit by bit as a test sets them,
// well-formed or not (reserved bits, unknown opcodes, unmasked, fragmented
// control frames, bad UTF-8, any close payload), in whatever pieces it
// likes, and reads the server's frames as they arrive. A library client
// cannot break the protocol on purpose; the cases of a WebSocket
// conformance suite need one that can (RFC 6455).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::test {

namespace opcode {
constexpr int continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA;
}

struct WsFrame {
  int opcode = opcode::text;
  std::string payload;
  bool fin = true;
  int rsv = 0;  // RSV1..3 as bits 4, 2, 1
  bool masked = true;
};

// The frame's bytes on the wire (a client's frames are masked unless the
// test says otherwise; the key is fixed so a run can be repeated).
std::string encode_frame(const WsFrame &frame);

// A close frame's payload: the code in network order, then the reason.
std::string close_payload(int code, std::string_view reason = {});

class RawWebSocket {
 public:
  // Connects to 127.0.0.1:port and sends the upgrade for `target` with
  // `headers` added (one named as an upgrade header replaces it; an empty
  // value leaves it out); open() when the answer was 101 with the right
  // Sec-WebSocket-Accept.
  RawWebSocket(int port, const std::string &target, const std::map<std::string, std::string> &headers = {});
  ~RawWebSocket();
  RawWebSocket(const RawWebSocket &) = delete;
  RawWebSocket &operator=(const RawWebSocket &) = delete;

  bool open() const noexcept { return open_; }
  int status() const noexcept { return status_; }
  // The upgrade answer's header, names lower-cased ("" when absent).
  std::string header(const std::string &lower_name) const;
  // Why the upgrade failed, for a test's message.
  const std::string &failure() const noexcept { return failure_; }

  // False when the server no longer takes bytes.
  bool send(const WsFrame &frame) { return send_bytes(encode_frame(frame)); }
  bool send_bytes(std::string_view bytes, std::size_t piece = 0);

  // The server's next frame; nullopt when the deadline passes or the
  // connection ends first (ended() tells which).
  std::optional<WsFrame> next(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  bool ended() const noexcept { return ended_; }
  // The same, but a data message the server sent in fragments comes whole
  // (as one frame with the first fragment's opcode); control frames between
  // them come as they arrive.
  std::optional<WsFrame> next_message(std::chrono::milliseconds deadline = std::chrono::seconds(10));

  // Reads frames (answering nothing) until a close frame: its code (1005
  // when it has none), or 0 when the connection ended without one or the
  // deadline passed. Then waits for the server to end the TCP connection.
  int close_code(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // After the close: whether the server ended the connection in time.
  bool server_ended(std::chrono::milliseconds deadline = std::chrono::seconds(5));

 private:
  bool fill(std::chrono::steady_clock::time_point until);

  int fd_ = -1;
  bool open_ = false;
  bool ended_ = false;
  int status_ = 0;
  std::string failure_;
  std::map<std::string, std::string> headers_;
  std::string buffer_;              // read, not yet taken
  std::optional<WsFrame> partial_;  // a fragmented message's frames so far
};

}  // namespace switchboard::test
