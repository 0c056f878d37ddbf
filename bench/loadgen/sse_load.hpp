// A streaming chat API under load: N clients, each on its own kept-alive
// connection and session, POSTing a message and reading the Server-Sent
// Events answer to its end, again and again. Measures requests per second,
// the time to the first event (what a user waits to see text) and to the
// last.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace loadgen {

struct SseResult {
  long requests = 0;
  long failures = 0;
  double seconds = 0;
  std::vector<double> first_event_ms;
  std::vector<double> complete_ms;
};

// `body` is the JSON body with "{session}" standing for each client's session id.
SseResult run_sse(const std::string &host, int port, const std::string &target, const std::string &body,
                  int connections, std::chrono::seconds duration);

}  // namespace loadgen
