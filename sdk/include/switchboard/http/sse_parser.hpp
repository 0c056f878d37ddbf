// A Server-Sent Events parser (the WHATWG event-stream format): bytes in, in
// pieces of any size, events out.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace switchboard::http {

struct SseEvent {
  std::string event;  // "message" unless the stream named one
  std::string data;   // data lines joined with '\n'
  std::string id;
};

class SseParser {
 public:
  // Called for each complete event, in order.
  explicit SseParser(std::function<void(const SseEvent &)> on_event, std::size_t max_line = 1 << 20)
      : on_event_(std::move(on_event)), max_line_(max_line) {}

  // Feeds the next bytes. False when a line grew past max_line (not an event
  // stream); the parser then ignores the rest.
  bool feed(std::string_view bytes);

  // True when the stream stopped in the middle of a line or an event.
  bool incomplete() const noexcept { return !line_.empty() || has_data_; }

 private:
  void line(std::string_view line);
  void dispatch();

  std::function<void(const SseEvent &)> on_event_;
  std::size_t max_line_;
  std::string line_;
  SseEvent pending_;
  bool has_data_ = false;
  bool skip_lf_ = false;
  bool broken_ = false;
};

}  // namespace switchboard::http
