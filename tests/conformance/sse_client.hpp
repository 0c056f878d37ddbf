// Server-Sent Events as a client reads them: a request whose response body
// is taken chunk by chunk as it arrives, parsed by the event-stream rules
// (lines; "data:" fields joined by newlines; an event at each blank line;
// comments and other fields ignored), each event stamped with when it came.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::test {

struct SseEvent {
  std::string data;
  std::chrono::steady_clock::duration at;  // since the request was sent
  nlohmann::json json() const { return nlohmann::json::parse(data, nullptr, false); }
};

struct SseReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // the whole body, as it came
  std::vector<SseEvent> events;
};

SseReply sse_request(int port, const std::string &method, const std::string &target, const std::string &body = "",
                     const std::map<std::string, std::string> &headers = {});

// The events of an event stream's text (for a body read whole).
std::vector<std::string> sse_events(const std::string &stream);

}  // namespace switchboard::test
