#include "http_load.hpp"

#include <vector>

#include "clients.hpp"

namespace loadgen {

namespace {

awaitable<void> client(std::string host, int port, std::string target, Clock::time_point end,
                       Totals<HttpResult> &totals) {
  long done = 0;
  long failed = 0;
  std::vector<double> latency;
  try {
    auto stream = co_await connect(host, port);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    req.keep_alive(true);
    beast::flat_buffer buffer;
    while (Clock::now() < end) {
      const auto start = Clock::now();
      co_await http::async_write(stream, req, use_awaitable);
      http::response<http::string_body> res;
      co_await http::async_read(stream, buffer, res, use_awaitable);
      latency.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      (res.result() == http::status::ok ? done : failed) += 1;
    }
  } catch (const std::exception &) {
    ++failed;
  }
  std::lock_guard lock(totals.mutex);
  totals.result.requests += done;
  totals.result.failures += failed;
  totals.result.latency_ms.insert(totals.result.latency_ms.end(), latency.begin(), latency.end());
}

}  // namespace

HttpResult run_http(const std::string &host, int port, const std::string &target, int connections,
                    std::chrono::seconds duration) {
  asio::io_context io;
  Totals<HttpResult> totals;
  const auto start = Clock::now();
  const auto end = start + duration;
  for (int i = 0; i < connections; ++i) asio::co_spawn(io, client(host, port, target, end, totals), asio::detached);
  io.run();
  totals.result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return std::move(totals.result);
}

}  // namespace loadgen
