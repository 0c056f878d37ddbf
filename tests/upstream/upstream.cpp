// The upstream's server: accepting, reading requests, routing, faults, and
// what it has seen.
#include "upstream/upstream.hpp"

#include <sys/socket.h>

#include <future>

#include "upstream/server.hpp"

namespace switchboard::upstream {

namespace {

const std::map<std::string, FaultKind> kKinds = {
    {"latency", FaultKind::latency},     {"hang", FaultKind::hang},        {"stall", FaultKind::stall},
    {"429", FaultKind::status429},       {"500", FaultKind::status500},    {"reset", FaultKind::reset},
    {"malformed", FaultKind::malformed}, {"truncate", FaultKind::truncate}};

std::string route_of(const HttpRequest &r) {
  const std::string_view target = r.target();
  const std::string path(target.substr(0, target.find('?')));
  if (path.rfind("/_upstream/", 0) == 0) return "control";
  if (path == "/v1/chat/completions") return "chat";
  if (path == "/v1/audio/transcriptions") return "transcriptions";
  if (path == "/v1/audio/speech") return "speech";
  if (path == "/tts/bytes") return "cartesia";
  if (path.rfind("/v1/text-to-speech/", 0) == 0) return "elevenlabs";
  if (path == "/v1/listen") return beast::websocket::is_upgrade(r) ? "deepgram-live" : "deepgram";
  return "";
}

ErrorBody errors_for(const std::string &route) {
  if (route == "cartesia") return cartesia_errors();
  if (route == "elevenlabs") return elevenlabs_errors();
  if (route == "deepgram" || route == "deepgram-live") return deepgram_errors();
  return openai_errors();
}

}  // namespace

std::optional<Fault> fault_from_json(const nlohmann::json &j, std::string &error) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string()) {
    error = "a fault is an object with a \"kind\"";
    return std::nullopt;
  }
  const auto kind = kKinds.find(j["kind"].get<std::string>());
  if (kind == kKinds.end()) {
    error = "unknown fault kind " + j["kind"].dump();
    return std::nullopt;
  }
  Fault f;
  f.kind = kind->second;
  f.route = j.value("route", "");
  f.count = j.value("count", 1);
  f.delay_ms = j.value("delay_ms", 0);
  f.after_chunks = j.value("after_chunks", 0);
  f.retry_after_s = j.value("retry_after_s", 1);
  return f;
}

std::map<std::string, std::string> query_of(std::string_view target) {
  std::map<std::string, std::string> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    out[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

// --- Impl ---

void Upstream::Impl::listen() {
  asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
  acceptor.emplace(io);
  acceptor->open(at.protocol());
  acceptor->set_option(asio::socket_base::reuse_address(true));
  acceptor->bind(at);
  acceptor->listen(asio::socket_base::max_listen_connections);
  port = acceptor->local_endpoint().port();
  asio::co_spawn(io, accept_loop(), asio::detached);
}

awaitable<void> Upstream::Impl::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor->async_accept(asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;  // closed: refusing or stopping
    connection_opened();
    asio::co_spawn(io, serve(std::move(socket)), asio::detached);
  }
}

void Upstream::Impl::connection_opened() {
  std::lock_guard lock(mutex);
  ++accepted;
  ++open;
  changed.notify_all();
}

void Upstream::Impl::connection_closed() {
  std::lock_guard lock(mutex);
  --open;
  changed.notify_all();
}

awaitable<void> Upstream::Impl::serve(asio::ip::tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  bool upgraded = false;
  try {
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      co_await http::async_read(stream, buffer, parser, use_awaitable);
      HttpRequest request = parser.release();
      const std::string route = route_of(request);
      Exchange x(*this, stream, request, route, errors_for(route));
      x.keep_alive = request.keep_alive();
      if (route == "control") {
        const std::string target(request.target());
        if (request.method() == http::verb::post && target == "/_upstream/faults") {
          std::string why;
          const auto body = nlohmann::json::parse(request.body(), nullptr, false);
          if (const auto fault = fault_from_json(body, why)) {
            std::lock_guard lock(mutex);
            faults.push_back(*fault);
            why.clear();
          }
          const nlohmann::json answer = why.empty() ? nlohmann::json{{"ok", true}} : nlohmann::json{{"error", why}};
          const auto status = why.empty() ? http::status::ok : http::status::bad_request;
          co_await x.json(status, answer);
        } else if (request.method() == http::verb::delete_ && target == "/_upstream/faults") {
          std::lock_guard lock(mutex);
          faults.clear();
        } else {
          nlohmann::json s;
          {
            std::lock_guard lock(mutex);
            s = {{"requests", counts}, {"connections_accepted", accepted}, {"open_connections", open}};
          }
          co_await x.json(http::status::ok, s);
        }
      } else if (route.empty()) {
        {
          const std::string message = "no such endpoint: " + std::string(request.target());
          co_await x.error(404, message);
        }
      } else {
        {
          std::lock_guard lock(mutex);
          ++counts[route];
        }
        x.fault = take_fault(route);
        if (co_await x.before()) {
          if (route == "chat") co_await openai_chat(x);
          if (route == "transcriptions") co_await openai_transcriptions(x);
          if (route == "speech") co_await openai_speech(x);
          if (route == "cartesia") co_await cartesia_bytes(x);
          if (route == "deepgram") co_await deepgram_prerecorded(x);
          if (route == "deepgram-live") co_await deepgram_live(x);
          if (route == "elevenlabs") {
            std::string_view path = request.target();
            path = path.substr(0, path.find('?'));
            path.remove_prefix(std::string_view("/v1/text-to-speech/").size());
            const auto slash = path.find('/');
            if (slash == std::string_view::npos || path.substr(slash) != "/stream") {
              co_await x.error(404, "Not Found");
            } else {
              co_await elevenlabs_stream(x, std::string(path.substr(0, slash)));
            }
          }
        }
      }
      upgraded = x.upgraded;
      if (upgraded || !x.keep_alive) break;
    }
  } catch (const std::exception &) {
    // The client went away or sent garbage: this connection is over.
  }
  if (!upgraded) {
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    connection_closed();
  }
}

std::optional<Fault> Upstream::Impl::take_fault(const std::string &route) {
  std::lock_guard lock(mutex);
  for (auto it = faults.begin(); it != faults.end(); ++it) {
    if (!it->route.empty() && it->route != route) continue;
    Fault f = *it;
    if (it->count > 0 && --it->count == 0) faults.erase(it);
    return f;
  }
  return std::nullopt;
}

void Upstream::Impl::record(const std::string &route, const HttpRequest &request, nlohmann::json body) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto &field : request) headers[std::string(field.name_string())] = std::string(field.value());
  std::lock_guard lock(mutex);
  last[route] = {{"target", std::string(request.target())}, {"headers", headers}, {"body", std::move(body)}};
}

// --- Exchange ---

Exchange::Exchange(Upstream::Impl &u, beast::tcp_stream &s, HttpRequest &r, std::string rt, ErrorBody e)
    : upstream(u), stream(s), request(r), route(std::move(rt)), error_body_(std::move(e)) {}

awaitable<void> Exchange::sleep(int ms) {
  if (ms <= 0) co_return;
  asio::steady_timer timer(stream.get_executor(), std::chrono::milliseconds(ms));
  co_await timer.async_wait(use_awaitable);
}

awaitable<void> Exchange::wait_for_client_to_go() {
  char byte;
  for (;;) {
    boost::system::error_code ec;
    co_await stream.socket().async_read_some(asio::buffer(&byte, 1), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
  }
  keep_alive = false;
}

void Exchange::reset() {
  beast::error_code ignored;
  stream.socket().set_option(asio::socket_base::linger(true, 0), ignored);
  stream.socket().close(ignored);
  keep_alive = false;
}

awaitable<bool> Exchange::before() {
  if (!fault) co_return true;
  switch (fault->kind) {
    case FaultKind::latency:
      co_await sleep(fault->delay_ms);
      co_return true;
    case FaultKind::hang:
      co_await wait_for_client_to_go();
      co_return false;
    case FaultKind::status429: {
      http::response<http::string_body> res{http::status::too_many_requests, request.version()};
      res.set(http::field::content_type, "application/json");
      res.set(http::field::retry_after, std::to_string(fault->retry_after_s));
      res.body() =
          error_body_(429, "Rate limit reached; please retry after " + std::to_string(fault->retry_after_s) + "s.")
              .dump();
      res.keep_alive(keep_alive);
      res.prepare_payload();
      co_await http::async_write(stream, res, use_awaitable);
      co_return false;
    }
    case FaultKind::status500:
      co_await error(500, "The server had an error while processing your request.");
      co_return false;
    case FaultKind::reset:
      if (fault->after_chunks > 0) co_return true;
      reset();
      co_return false;
    default:
      co_return true;  // the mid-stream kinds act in chunk()
  }
}

awaitable<void> Exchange::json(http::status status, const nlohmann::json &body) {
  http::response<http::string_body> res{status, request.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = body.dump();
  res.keep_alive(keep_alive);
  res.prepare_payload();
  co_await http::async_write(stream, res, use_awaitable);
}

awaitable<void> Exchange::error(int status, const std::string &message) {
  co_await json(static_cast<http::status>(status), error_body_(status, message));
}

awaitable<bool> Exchange::begin_stream(const std::string &content_type) {
  http::response<http::empty_body> res{http::status::ok, request.version()};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-cache");
  res.chunked(true);
  res.keep_alive(keep_alive);
  http::response_serializer<http::empty_body> serializer(res);
  co_await http::async_write_header(stream, serializer, use_awaitable);
  chunks_sent_ = 0;
  co_return true;
}

awaitable<bool> Exchange::chunk(std::string_view data, std::string_view malformed) {
  if (fault && chunks_sent_ == fault->after_chunks) {
    switch (fault->kind) {
      case FaultKind::stall:
        co_await wait_for_client_to_go();
        co_return false;
      case FaultKind::reset:
        reset();
        co_return false;
      case FaultKind::malformed:
        co_await asio::async_write(stream, http::make_chunk(asio::buffer(malformed)), use_awaitable);
        fault.reset();  // the stream goes on after the bad piece
        break;
      case FaultKind::truncate: {
        // Half a sample, then the connection ends without the last chunk.
        const std::string half = "\x01";
        co_await asio::async_write(stream, http::make_chunk(asio::buffer(half)), use_awaitable);
        beast::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        keep_alive = false;
        co_return false;
      }
      default:
        break;
    }
  }
  ++chunks_sent_;
  co_await asio::async_write(stream, http::make_chunk(asio::buffer(data.data(), data.size())), use_awaitable);
  co_return true;
}

awaitable<void> Exchange::end_stream() {
  co_await asio::async_write(stream, http::make_chunk_last(), use_awaitable);
}

bool Exchange::authorized(std::string_view value, std::string_view scheme) const {
  if (!scheme.empty()) {
    if (value.size() <= scheme.size() || value.substr(0, scheme.size()) != scheme || value[scheme.size()] != ' ') {
      return false;
    }
    value.remove_prefix(scheme.size() + 1);
  }
  std::lock_guard lock(upstream.mutex);
  return value == upstream.script.api_key;
}

// --- Upstream ---

Upstream::Upstream(Script script, unsigned threads) : impl_(std::make_unique<Impl>(std::move(script), threads)) {}

Upstream::~Upstream() {
  stop();
}

void Upstream::start(std::uint16_t port) {
  impl_->port = port;
  impl_->work.emplace(impl_->io.get_executor());
  impl_->listen();
  for (unsigned i = 0; i < std::max(1U, impl_->threads); ++i) {
    impl_->workers.emplace_back([this] { impl_->io.run(); });
  }
}

void Upstream::stop() {
  if (impl_->workers.empty()) return;
  impl_->work.reset();
  impl_->io.stop();
  for (auto &t : impl_->workers) t.join();
  impl_->workers.clear();
}

std::uint16_t Upstream::port() const {
  return impl_->port;
}
std::string Upstream::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}
std::string Upstream::ws_url() const {
  return "ws://127.0.0.1:" + std::to_string(impl_->port);
}

void Upstream::inject(const Fault &fault) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back(fault);
}

void Upstream::clear_faults() {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.clear();
}

void Upstream::refuse_connections(bool refuse) {
  std::promise<void> done;
  asio::post(impl_->io, [this, refuse, &done] {
    if (refuse && impl_->acceptor) {
      impl_->acceptor.reset();  // the port is closed: connecting is refused
    } else if (!refuse && !impl_->acceptor) {
      impl_->listen();
    }
    done.set_value();
  });
  done.get_future().wait();
}

Script &Upstream::script() {
  return impl_->script;
}

int Upstream::requests(const std::string &route) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->counts.find(route);
  return it == impl_->counts.end() ? 0 : it->second;
}

std::uint64_t Upstream::connections_accepted() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}

int Upstream::open_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->open;
}

nlohmann::json Upstream::last_request(const std::string &route) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->last.find(route);
  return it == impl_->last.end() ? nlohmann::json() : it->second;
}

bool Upstream::wait_open_connections(int n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return impl_->open == n; });
}

nlohmann::json Upstream::stats() const {
  std::lock_guard lock(impl_->mutex);
  return {{"requests", impl_->counts}, {"connections_accepted", impl_->accepted}, {"open_connections", impl_->open}};
}

}  // namespace switchboard::upstream
