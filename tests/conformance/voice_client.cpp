#include "voice_client.hpp"

#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "switchboard/sdk/base64.hpp"

namespace switchboard::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ws = beast::websocket;
using tcp = asio::ip::tcp;

HttpReply http_request(int port, const std::string &method, const std::string &target, const std::string &body,
                       const std::map<std::string, std::string> &headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  tcp::resolver resolver(io);
  stream.expires_after(std::chrono::seconds(20));
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto &[name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    if (headers.find("Content-Type") == headers.end()) req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  HttpReply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.body = res.body();
  for (const auto &field : res) {
    std::string name(field.name_string());
    for (char &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return reply;
}

struct WsClient::Impl {
  asio::io_context io;
  ws::stream<beast::tcp_stream> socket{io};
  bool open = false;
};

WsClient::WsClient(int port, const std::string &target, const std::map<std::string, std::string> &headers,
                   int *refused_status)
    : impl_(std::make_unique<Impl>()) {
  tcp::resolver resolver(impl_->io);
  auto &tcp_stream = beast::get_lowest_layer(impl_->socket);
  tcp_stream.expires_after(std::chrono::seconds(20));
  tcp_stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  impl_->socket.set_option(ws::stream_base::decorator([headers](ws::request_type &req) {
    for (const auto &[name, value] : headers) req.set(name, value);
  }));
  impl_->socket.read_message_max(64 * 1024 * 1024);
  ws::response_type res;
  beast::error_code ec;
  // The asynchronous handshake: Boost 1.74's blocking one leaves the
  // response empty when the upgrade is refused.
  impl_->socket.async_handshake(res, "127.0.0.1", target, [&ec](beast::error_code e) { ec = e; });
  impl_->io.run();
  impl_->io.restart();
  if (ec) {
    if (refused_status != nullptr) {
      *refused_status = static_cast<int>(res.result_int());
      return;
    }
    throw std::runtime_error("WebSocket upgrade refused: " + std::to_string(res.result_int()) + " " + res.body());
  }
  tcp_stream.expires_never();
  impl_->open = true;
}

WsClient::~WsClient() {
  if (impl_->open) {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->socket).socket().close(ignored);
  }
}

bool WsClient::open() const noexcept {
  return impl_->open;
}

// A send the server cut short (it closed the socket on a message it
// refused) is not the test's failure: the close frame that says why is
// still there to read, and next() reports it.
void WsClient::send_text(const std::string &text) {
  beast::error_code ec;
  impl_->socket.text(true);
  impl_->socket.write(asio::buffer(text), ec);
  if (ec) last_error_ = ec.message();
}

void WsClient::send_binary(const std::string &bytes) {
  beast::error_code ec;
  impl_->socket.binary(true);
  impl_->socket.write(asio::buffer(bytes), ec);
  if (ec) last_error_ = ec.message();
}

std::optional<nlohmann::json> WsClient::next(std::chrono::milliseconds deadline) {
  if (!impl_->open) return std::nullopt;
  beast::flat_buffer buffer;
  beast::error_code ec;
  // Asynchronously: a blocking read would not honour the deadline. When it
  // passes, the stream closes the socket.
  beast::get_lowest_layer(impl_->socket).expires_after(deadline);
  impl_->socket.async_read(buffer, [&ec](beast::error_code e, std::size_t) { ec = e; });
  impl_->io.run();
  impl_->io.restart();
  beast::get_lowest_layer(impl_->socket).expires_never();
  if (ec) {
    last_error_ = ec.message();
    // The peer's close frame, when one came (even if the teardown after it
    // failed because the peer had already gone).
    close_code_ = impl_->socket.reason().code;
    impl_->open = false;
    return std::nullopt;
  }
  return nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
}

std::optional<nlohmann::json> WsClient::until(const std::string &type,
                                              const std::function<void(const nlohmann::json &)> &seen,
                                              std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    auto m = next(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()));
    if (!m) return std::nullopt;
    if (seen) seen(*m);
    if (m->value("type", "") == type) return m;
  }
  return std::nullopt;
}

void WsClient::close() {
  if (!impl_->open) return;
  beast::error_code ignored;
  impl_->socket.close(ws::close_code::normal, ignored);
  impl_->open = false;
}

std::string base64(const std::string &bytes) {
  return sdk::base64_encode(bytes);
}

std::string base64_decode(const std::string &text) {
  return sdk::base64_decode(text).value_or(std::string());
}

}  // namespace switchboard::test
