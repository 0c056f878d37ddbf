// The upstream's insides, shared by its routes: the server state and one
// request/answer exchange with the faults that apply to it.
#pragma once

#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <functional>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "upstream/upstream.hpp"

namespace switchboard::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using HttpRequest = http::request<http::string_body>;

// The error body a provider sends, in its own shape.
using ErrorBody = std::function<nlohmann::json(int status, const std::string &message)>;

struct Upstream::Impl {
  explicit Impl(Script s, unsigned n) : script(std::move(s)), threads(n) {}

  Script script;
  unsigned threads;
  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<asio::ip::tcp::acceptor> acceptor;
  std::vector<std::thread> workers;
  std::uint16_t port = 0;

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<Fault> faults;
  std::map<std::string, int> counts;
  std::map<std::string, nlohmann::json> last;
  std::uint64_t accepted = 0;
  int open = 0;

  Script script_copy() const {
    std::lock_guard lock(mutex);
    return script;
  }
  void listen();
  awaitable<void> accept_loop();
  awaitable<void> serve(asio::ip::tcp::socket socket);
  // The fault for this request on `route`, if any, counted down.
  std::optional<Fault> take_fault(const std::string &route);
  void record(const std::string &route, const HttpRequest &request, nlohmann::json body);
  void connection_opened();
  void connection_closed();
};

class Exchange {
 public:
  Exchange(Upstream::Impl &upstream, beast::tcp_stream &stream, HttpRequest &request, std::string route,
           ErrorBody error_body);

  Upstream::Impl &upstream;
  beast::tcp_stream &stream;
  HttpRequest &request;
  const std::string route;
  std::optional<Fault> fault;
  bool keep_alive = true;  // false: close after this exchange
  bool upgraded = false;   // the socket left for a WebSocket

  // Applies the faults that come before an answer (latency, hang, 429, 500,
  // an immediate reset). False: the fault has answered; stop here.
  awaitable<bool> before();
  awaitable<void> json(http::status status, const nlohmann::json &body);
  awaitable<void> error(int status, const std::string &message);
  // A chunked answer, piece by piece; the faults that come mid-stream apply.
  // chunk() returns false when the stream is over (fault, client gone).
  awaitable<bool> begin_stream(const std::string &content_type);
  awaitable<bool> chunk(std::string_view data, std::string_view malformed = "\x01");
  awaitable<void> end_stream();
  // Reads until the client closes the connection.
  awaitable<void> wait_for_client_to_go();
  awaitable<void> sleep(int ms);
  // Resets the connection (RST, not FIN).
  void reset();

  // Bearer/Token/X-API-Key check against the script's key.
  bool authorized(std::string_view header_value, std::string_view scheme) const;

 private:
  ErrorBody error_body_;
  int chunks_sent_ = 0;
};

// The routes, each in its own file.
awaitable<void> openai_chat(Exchange &x);
awaitable<void> openai_transcriptions(Exchange &x);
awaitable<void> openai_speech(Exchange &x);
awaitable<void> cartesia_bytes(Exchange &x);
awaitable<void> elevenlabs_stream(Exchange &x, const std::string &voice_id);
awaitable<void> deepgram_prerecorded(Exchange &x);
awaitable<void> deepgram_live(Exchange &x);

ErrorBody openai_errors();
ErrorBody cartesia_errors();
ErrorBody elevenlabs_errors();
ErrorBody deepgram_errors();

// The query parameters of a target ("/p?a=1&b=2").
std::map<std::string, std::string> query_of(std::string_view target);

// A request header's value, or empty.
inline std::string header(const HttpRequest &r, std::string_view name) {
  const auto it = r.find(beast::string_view(name.data(), name.size()));
  return it == r.end() ? std::string() : std::string(it->value());
}

// A refusal of the credentials a client sent that repeats them, as a
// careless service does: what Switchboard scrubs from a provider's errors
// before they reach a log or a client (tests/security/secrets_test.cpp).
inline std::string refused_key_message(const std::string &what, const std::string &given) {
  return given.empty() ? what + "." : what + ": " + given + ".";
}

// A steady 440 Hz tone as s16le bytes: `count` samples from sample `offset`.
std::string tone_pcm(std::size_t count, std::uint32_t rate, std::size_t offset);
// A WAV header for s16 mono; data_bytes 0xFFFFFFFF when streaming.
std::string wav_header(std::uint32_t rate, std::uint32_t data_bytes);
// Samples in a WAV file (RIFF/WAVE, PCM s16 mono or stereo); -1 if it is not one.
long wav_samples(std::string_view file, std::uint32_t &rate, bool &silent);
// True when s16le samples are all near zero.
bool silent_pcm(std::string_view bytes);
// Streams `samples` of tone at `rate` in pieces of the script's chunk length.
awaitable<void> stream_tone(Exchange &x, const Script &s, std::size_t samples, std::uint32_t rate,
                            const std::string &content_type, const std::string &prefix = {});

// The parts of a multipart/form-data body; false when it is not one.
struct FormPart {
  std::string name;
  std::string filename;
  std::string content_type;
  std::string data;
};
bool parse_multipart(std::string_view content_type, std::string_view body, std::vector<FormPart> &parts);

}  // namespace switchboard::upstream
