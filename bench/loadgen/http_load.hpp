// GET /health over N kept-alive connections, as fast as answers come.
#pragma once

#include <chrono>
#include <string>

namespace loadgen {

struct HttpResult {
  long requests = 0;
  long failures = 0;
  double seconds = 0;
  std::vector<double> latency_ms;
};

HttpResult run_http(const std::string &host, int port, const std::string &target, int connections,
                    std::chrono::seconds duration);

}  // namespace loadgen
