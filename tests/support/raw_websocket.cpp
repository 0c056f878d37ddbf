#include "support/raw_websocket.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "switchboard/sdk/base64.hpp"

namespace switchboard::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array<std::uint8_t, 4> kMask = {0x37, 0xfa, 0x21, 0x3d};
// The client's key of every upgrade, and the answer RFC 6455 section 4.2.2
// derives from it (SHA-1 over the key and the protocol's GUID, in base64).
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";

std::string expected_accept(std::string_view key) {
  const std::string text = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha1(), nullptr);
  return sdk::base64_encode(std::string_view(reinterpret_cast<const char *>(digest.data()), size));
}

std::string lower(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string &s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

}  // namespace

std::string encode_frame(const WsFrame &frame) {
  std::string out;
  out.push_back(static_cast<char>((frame.fin ? 0x80 : 0) | ((frame.rsv & 7) << 4) | (frame.opcode & 0x0F)));
  const std::uint64_t size = frame.payload.size();
  const char mask_bit = frame.masked ? static_cast<char>(0x80) : 0;
  if (size < 126) {
    out.push_back(static_cast<char>(mask_bit | static_cast<char>(size)));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  if (!frame.masked) return out + frame.payload;
  for (const auto m : kMask) out.push_back(static_cast<char>(m));
  for (std::size_t i = 0; i < frame.payload.size(); ++i) {
    out.push_back(static_cast<char>(frame.payload[i] ^ static_cast<char>(kMask[i % 4])));
  }
  return out;
}

std::string close_payload(int code, std::string_view reason) {
  std::string out;
  out.push_back(static_cast<char>((code >> 8) & 0xFF));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
  return out;
}

RawWebSocket::RawWebSocket(int port, const std::string &target, const std::map<std::string, std::string> &headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
    failure_ = std::string("connect: ") + std::strerror(errno);
    return;
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // The upgrade's own headers, unless the test replaces them (an empty
  // value leaves one out).
  std::map<std::string, std::string> sent = {{"Host", "127.0.0.1:" + std::to_string(port)},
                                             {"Upgrade", "websocket"},
                                             {"Connection", "Upgrade"},
                                             {"Sec-WebSocket-Key", std::string(kKey)},
                                             {"Sec-WebSocket-Version", "13"}};
  for (const auto &[name, value] : headers) sent[name] = value;
  std::string request = "GET " + target + " HTTP/1.1\r\n";
  for (const auto &[name, value] : sent) {
    if (!value.empty()) request += name + ": " + value + "\r\n";
  }
  request += "\r\n";
  if (!send_bytes(request)) {
    failure_ = "the server did not take the upgrade request";
    return;
  }
  const auto until = Clock::now() + std::chrono::seconds(10);
  std::size_t end = std::string::npos;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(until)) {
      failure_ = "no answer to the upgrade: '" + buffer_ + "'";
      return;
    }
  }
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  std::size_t at = head.find("\r\n");
  const std::string status_line = head.substr(0, at);
  if (status_line.size() >= 12) status_ = std::atoi(status_line.c_str() + 9);
  while (at != std::string::npos) {
    const auto next = head.find("\r\n", at + 2);
    const std::string line = head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2);
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      headers_[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    }
    at = next;
  }
  if (status_ != 101) {
    failure_ = "upgrade answered '" + status_line + "'";
    return;
  }
  if (header("sec-websocket-accept") != expected_accept(kKey)) {
    failure_ = "Sec-WebSocket-Accept is '" + header("sec-websocket-accept") + "', not '" + expected_accept(kKey) + "'";
    return;
  }
  open_ = true;
}

RawWebSocket::~RawWebSocket() {
  if (fd_ >= 0) ::close(fd_);
}

std::string RawWebSocket::header(const std::string &lower_name) const {
  const auto it = headers_.find(lower_name);
  return it == headers_.end() ? std::string() : it->second;
}

bool RawWebSocket::send_bytes(std::string_view bytes, std::size_t piece) {
  if (piece == 0) piece = bytes.size();
  while (!bytes.empty()) {
    const std::size_t n = std::min(piece, bytes.size());
    std::size_t sent = 0;
    while (sent < n) {
      const auto wrote = ::send(fd_, bytes.data() + sent, n - sent, MSG_NOSIGNAL);
      if (wrote <= 0) return false;
      sent += static_cast<std::size_t>(wrote);
    }
    bytes.remove_prefix(n);
  }
  return true;
}

bool RawWebSocket::fill(Clock::time_point until) {
  if (ended_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char chunk[65536];
  const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    ended_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<WsFrame> RawWebSocket::next(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  for (;;) {
    // A whole frame in the buffer?
    if (buffer_.size() >= 2) {
      const auto b0 = static_cast<std::uint8_t>(buffer_[0]), b1 = static_cast<std::uint8_t>(buffer_[1]);
      std::size_t at = 2;
      std::uint64_t size = b1 & 0x7F;
      const std::size_t extra = size == 126 ? 2 : size == 127 ? 8 : 0;
      const bool masked = (b1 & 0x80) != 0;
      if (buffer_.size() >= at + extra) {
        if (extra > 0) {
          size = 0;
          for (std::size_t i = 0; i < extra; ++i) size = (size << 8) | static_cast<std::uint8_t>(buffer_[at + i]);
          at += extra;
        }
        const std::size_t key_at = at;
        if (masked) at += 4;
        if (buffer_.size() >= at + size) {
          WsFrame frame;
          frame.fin = (b0 & 0x80) != 0;
          frame.rsv = (b0 >> 4) & 7;
          frame.opcode = b0 & 0x0F;
          frame.masked = masked;
          frame.payload = buffer_.substr(at, static_cast<std::size_t>(size));
          if (masked) {
            for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= buffer_[key_at + i % 4];
          }
          buffer_.erase(0, at + static_cast<std::size_t>(size));
          return frame;
        }
      }
    }
    if (!fill(until)) return std::nullopt;
  }
}

std::optional<WsFrame> RawWebSocket::next_message(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    auto frame = next(std::max(left, std::chrono::milliseconds(0)));
    if (!frame || frame->opcode >= opcode::close) return frame;
    if (frame->opcode != opcode::continuation) {
      partial_ = std::move(frame);
    } else if (partial_) {
      partial_->payload += frame->payload;
      partial_->fin = frame->fin;
    } else {
      return frame;  // a continuation of nothing: the caller sees it as it is
    }
    if (partial_->fin) return std::exchange(partial_, std::nullopt);
  }
}

int RawWebSocket::close_code(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    const auto frame = next(std::max(left, std::chrono::milliseconds(0)));
    if (!frame) return 0;
    if (frame->opcode != opcode::close) continue;
    if (frame->payload.size() < 2) return 1005;
    return (static_cast<std::uint8_t>(frame->payload[0]) << 8) | static_cast<std::uint8_t>(frame->payload[1]);
  }
}

bool RawWebSocket::server_ended(std::chrono::milliseconds deadline) {
  const auto until = Clock::now() + deadline;
  while (!ended_) {
    buffer_.clear();
    if (!fill(until) && !ended_) return false;
  }
  return true;
}

}  // namespace switchboard::test
