#include "sse_load.hpp"

#include "clients.hpp"

namespace loadgen {

namespace {

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

awaitable<void> client(std::string host, int port, std::string target, std::string body, Clock::time_point end,
                       Totals<SseResult> &totals) {
  SseResult mine;
  try {
    auto stream = co_await connect(host, port);
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "text/event-stream");
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    beast::flat_buffer buffer;
    char scratch[8192];
    while (Clock::now() < end) {
      const auto start = Clock::now();
      co_await http::async_write(stream, req, use_awaitable);
      http::response_parser<http::buffer_body> parser;
      double first = -1;
      auto on_piece = [&](std::uint64_t, beast::string_view piece, beast::error_code &) -> std::size_t {
        if (first < 0 && piece.find("data:") != beast::string_view::npos) first = ms_since(start);
        return piece.size();
      };
      parser.on_chunk_body(on_piece);
      co_await http::async_read_header(stream, buffer, parser, use_awaitable);
      while (!parser.is_done()) {
        parser.get().body().data = scratch;
        parser.get().body().size = sizeof scratch;
        beast::error_code ec;
        co_await http::async_read_some(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
        if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
        if (!parser.chunked() && first < 0 && parser.get().body().size < sizeof scratch) first = ms_since(start);
      }
      const bool ok = parser.get().result() == http::status::ok && first >= 0;
      (ok ? mine.requests : mine.failures) += 1;
      if (ok) {
        mine.first_event_ms.push_back(first);
        mine.complete_ms.push_back(ms_since(start));
      }
      if (!parser.get().keep_alive()) break;
    }
  } catch (const std::exception &) {
    ++mine.failures;
  }
  std::lock_guard lock(totals.mutex);
  auto &t = totals.result;
  t.requests += mine.requests;
  t.failures += mine.failures;
  t.first_event_ms.insert(t.first_event_ms.end(), mine.first_event_ms.begin(), mine.first_event_ms.end());
  t.complete_ms.insert(t.complete_ms.end(), mine.complete_ms.begin(), mine.complete_ms.end());
}

}  // namespace

SseResult run_sse(const std::string &host, int port, const std::string &target, const std::string &body,
                  int connections, std::chrono::seconds duration) {
  asio::io_context io;
  Totals<SseResult> totals;
  const auto start = Clock::now();
  const auto end = start + duration;
  for (int i = 0; i < connections; ++i) {
    std::string mine = body;
    const std::string mark = "{session}";
    if (const auto at = mine.find(mark); at != std::string::npos)
      mine.replace(at, mark.size(), "load-" + std::to_string(i));
    asio::co_spawn(io, client(host, port, target, mine, end, totals), asio::detached);
  }
  io.run();
  totals.result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return std::move(totals.result);
}

}  // namespace loadgen
