// A burst of requests against a transport's per-minute limit (a token
// bucket: a burst of `per_minute`, refilled evenly): requests until the
// first refusal, and how many tokens the bucket can have refilled while
// they ran. A slow or busy machine refills more, so bounds built on both
// hold at any speed.
#pragma once

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "conformance/voice_client.hpp"

namespace switchboard::test {

struct Burst {
  std::vector<HttpReply> allowed;  // the answers before the first refusal
  HttpReply refused;               // the first refusal (status 0: none came)
  int refilled_at_most = 0;        // tokens the bucket may have gained meanwhile
};

inline Burst until_refused(int port, const std::string &target, int per_minute) {
  Burst b;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3 * per_minute; ++i) {
    auto r = http_request(port, "GET", target);
    if (r.status == 429) {
      b.refused = std::move(r);
      break;
    }
    b.allowed.push_back(std::move(r));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  b.refilled_at_most = static_cast<int>(std::ceil(seconds * per_minute / 60.0));
  return b;
}

}  // namespace switchboard::test
