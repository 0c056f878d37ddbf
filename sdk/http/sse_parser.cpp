#include "switchboard/http/sse_parser.hpp"

namespace switchboard::http {

bool SseParser::feed(std::string_view bytes) {
  if (broken_) return false;
  for (char c : bytes) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      skip_lf_ = c == '\r';
      line(line_);
      line_.clear();
      continue;
    }
    if (line_.size() >= max_line_) {
      broken_ = true;
      return false;
    }
    line_.push_back(c);
  }
  return true;
}

void SseParser::line(std::string_view text) {
  if (text.empty()) {
    dispatch();
    return;
  }
  if (text.front() == ':') return;  // a comment (keep-alive)
  const auto colon = text.find(':');
  const auto field = text.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) pending_.data.push_back('\n');
    pending_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    pending_.event = std::string(value);
  } else if (field == "id") {
    pending_.id = std::string(value);
  }
  // "retry" and unknown fields are ignored, as the format says.
}

void SseParser::dispatch() {
  if (has_data_) {
    if (pending_.event.empty()) pending_.event = "message";
    on_event_(pending_);
  }
  pending_.data.clear();
  pending_.event.clear();
  has_data_ = false;
}

}  // namespace switchboard::http
