#include "sse_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace switchboard::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// The event-stream parser's state: the text not yet a whole line, and the
// data of the event being built.
struct EventStream {
  std::string pending;
  std::string data;
  bool has_data = false;

  // Feeds text; calls `dispatch` with each event's data.
  template <typename F>
  void feed(std::string_view text, F &&dispatch) {
    pending.append(text);
    for (;;) {
      const auto end = pending.find_first_of("\r\n");
      if (end == std::string::npos) return;
      std::string line = pending.substr(0, end);
      std::size_t skip = 1;
      if (pending[end] == '\r' && end + 1 < pending.size() && pending[end + 1] == '\n') skip = 2;
      if (pending[end] == '\r' && end + 1 == pending.size()) return;  // a "\r\n" may be cut in two
      pending.erase(0, end + skip);
      if (line.empty()) {
        if (has_data) dispatch(data);
        data.clear();
        has_data = false;
        continue;
      }
      if (line[0] == ':') continue;  // a comment
      const auto colon = line.find(':');
      const std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "data") {
        if (has_data) data += '\n';
        data += value;
        has_data = true;
      }
    }
  }
};

}  // namespace

std::vector<std::string> sse_events(const std::string &stream) {
  std::vector<std::string> out;
  EventStream parser;
  parser.feed(stream, [&](const std::string &d) { out.push_back(d); });
  return out;
}

SseReply sse_request(int port, const std::string &method, const std::string &target, const std::string &body,
                     const std::map<std::string, std::string> &headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  tcp::resolver resolver(io);
  stream.expires_after(std::chrono::seconds(60));
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::accept, "text/event-stream");
  for (const auto &[name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    if (headers.find("Content-Type") == headers.end()) req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  const auto start = std::chrono::steady_clock::now();
  http::write(stream, req);

  SseReply reply;
  EventStream events;
  auto take = [&](std::string_view text) {
    reply.body.append(text);
    events.feed(text, [&](const std::string &d) {
      reply.events.push_back({d, std::chrono::steady_clock::now() - start});
    });
  };
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> head;
  head.body_limit(64 * 1024 * 1024);
  http::read_header(stream, buffer, head);
  reply.status = static_cast<int>(head.get().result_int());
  for (const auto &field : head.get()) {
    std::string name(field.name_string());
    for (char &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  // The body, chunk by chunk as each is read (a chunked body's pieces are
  // handed over as they arrive, not when the body is complete).
  http::response_parser<http::buffer_body> parser(std::move(head));
  auto on_piece = [&](std::uint64_t, beast::string_view piece, beast::error_code &) -> std::size_t {
    take(std::string_view(piece.data(), piece.size()));
    return piece.size();
  };
  parser.on_chunk_body(on_piece);
  char scratch[16384];
  while (!parser.is_done()) {
    parser.get().body().data = scratch;
    parser.get().body().size = sizeof scratch;
    beast::error_code ec;
    http::read_some(stream, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) break;
    // A body not chunked arrives in the scratch buffer instead.
    const std::size_t got = sizeof scratch - parser.get().body().size;
    if (!parser.chunked() && got > 0) take(std::string_view(scratch, got));
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return reply;
}

}  // namespace switchboard::test
