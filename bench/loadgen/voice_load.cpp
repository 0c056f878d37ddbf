#include "voice_load.hpp"

#include <utility>  // before Asio 1.18's awaitable.hpp, which forgets it

#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "switchboard/sdk/base64.hpp"

namespace loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ws = beast::websocket;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kFrameBytes = 640;  // 20 ms at 16 kHz, s16

long number_after(std::string_view text, std::string_view key) {
  const auto at = text.find(key);
  if (at == std::string_view::npos) return -1;
  return std::strtol(text.data() + at + key.size(), nullptr, 10);
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Shared {
  std::vector<std::string> frames;  // base64 of each 20 ms frame of the recording
  int port;
  long frames_per_session;
  long ack_every = 1;
  std::mutex mutex;
  VoiceResult result;
};

struct Session {
  explicit Session(asio::io_context &io) : socket(asio::make_strand(io)) {}
  ws::stream<beast::tcp_stream> socket;
  std::vector<Clock::time_point> sent;
  std::vector<double> ingest, lag, turn;
  long acked = 0;
  long errors = 0;
  long dropped_samples = 0;
  Clock::time_point speech_end{};
  bool awaiting_audio = false;
  bool reading = true;

  void message(std::string_view m) {
    const auto now = Clock::now();
    if (m.find("\"type\":\"audio_ack\"") != std::string_view::npos) {
      const long seq = number_after(m, "\"seq\":");
      if (seq >= 0 && static_cast<std::size_t>(seq) < sent.size()) ingest.push_back(ms(now - sent[seq]));
      dropped_samples = std::max(dropped_samples, number_after(m, "\"dropped_samples\":"));
      ++acked;
    } else if (m.find("\"type\":\"vad_status\"") != std::string_view::npos) {
      if (m.find("\"speech_ended\":true") != std::string_view::npos) {
        speech_end = now;
        awaiting_audio = true;
      }
    } else if (m.find("\"type\":\"audio\"") != std::string_view::npos) {
      if (awaiting_audio) turn.push_back(ms(now - speech_end));
      awaiting_audio = false;
    } else if (m.find("\"type\":\"error\"") != std::string_view::npos) {
      ++errors;
    }
  }
};

awaitable<void> read_all(std::shared_ptr<Session> s) {
  beast::flat_buffer buffer;
  try {
    for (;;) {
      co_await s->socket.async_read(buffer, use_awaitable);
      const auto data = buffer.data();
      s->message(std::string_view(static_cast<const char *>(data.data()), data.size()));
      buffer.consume(buffer.size());
    }
  } catch (const std::exception &) {
  }
  s->reading = false;
}

awaitable<void> run_session(std::shared_ptr<Shared> shared, asio::io_context &io, int index, Clock::duration offset) {
  auto s = std::make_shared<Session>(io);
  auto executor = s->socket.get_executor();
  s->sent.resize(static_cast<std::size_t>(shared->frames_per_session));
  try {
    asio::ip::tcp::resolver resolver(executor);
    const auto endpoints = co_await resolver.async_resolve("127.0.0.1", std::to_string(shared->port), use_awaitable);
    co_await beast::get_lowest_layer(s->socket).async_connect(endpoints, use_awaitable);
    beast::get_lowest_layer(s->socket).socket().set_option(asio::ip::tcp::no_delay(true));
    co_await s->socket.async_handshake("127.0.0.1", "/voice/load-" + std::to_string(index), use_awaitable);
    {
      std::lock_guard lock(shared->mutex);
      ++shared->result.sessions_connected;
    }
    asio::co_spawn(s->socket.get_executor(), read_all(s), asio::detached);
    asio::steady_timer timer(s->socket.get_executor());
    const auto start = Clock::now() + offset;
    s->socket.text(true);
    for (long k = 0; k < shared->frames_per_session; ++k) {
      const auto due = start + std::chrono::milliseconds(20 * k);
      timer.expires_at(due);
      co_await timer.async_wait(use_awaitable);
      const auto now = Clock::now();
      s->lag.push_back(ms(now - due));
      // One frame in ack_every is numbered, so the server acknowledges it:
      // the latency sample, without an extra message for every frame.
      const std::string &frame = shared->frames[static_cast<std::size_t>(k) % shared->frames.size()];
      const std::string message = k % shared->ack_every == 0 ? "{\"type\":\"audio\",\"seq\":" + std::to_string(k) +
                                                                   ",\"data\":\"" + frame + "\"}"
                                                             : "{\"type\":\"audio\",\"data\":\"" + frame + "\"}";
      s->sent[static_cast<std::size_t>(k)] = now;
      co_await s->socket.async_write(asio::buffer(message), use_awaitable);
    }
    // The last acknowledgements, then goodbye.
    const long expected = (shared->frames_per_session + shared->ack_every - 1) / shared->ack_every;
    for (int i = 0; i < 100 && s->acked < expected && s->reading; ++i) {
      timer.expires_after(std::chrono::milliseconds(20));
      co_await timer.async_wait(use_awaitable);
    }
    co_await s->socket.async_close(ws::close_code::normal, use_awaitable);
  } catch (const std::exception &) {
    ++s->errors;
  }
  std::lock_guard lock(shared->mutex);
  auto &r = shared->result;
  r.ingest_ms.insert(r.ingest_ms.end(), s->ingest.begin(), s->ingest.end());
  r.lag_ms.insert(r.lag_ms.end(), s->lag.begin(), s->lag.end());
  r.turn_ms.insert(r.turn_ms.end(), s->turn.begin(), s->turn.end());
  r.frames_sent += static_cast<long>(s->lag.size());
  r.frames_acked += s->acked;
  const long numbered = (static_cast<long>(s->lag.size()) + shared->ack_every - 1) / shared->ack_every;
  r.frames_dropped += std::max(0L, numbered - s->acked) + (s->dropped_samples + 319) / 320;
  r.errors += s->errors;
}

}  // namespace

VoiceResult run_voice(const VoiceOptions &options) {
  auto shared = std::make_shared<Shared>();
  shared->port = options.port;
  for (std::size_t at = 0; at + kFrameBytes <= options.pcm.size(); at += kFrameBytes) {
    shared->frames.push_back(switchboard::sdk::base64_encode(std::string_view(options.pcm).substr(at, kFrameBytes)));
  }
  shared->frames_per_session = static_cast<long>(options.duration.count() * 50);
  shared->ack_every = std::max(1, options.ack_every);
  asio::io_context io;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> spread(0, 999);  // sessions start spread over a second
  for (int i = 0; i < options.sessions; ++i) {
    asio::co_spawn(io, run_session(shared, io, i, std::chrono::milliseconds(1000 + spread(rng))), asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto &t : threads) t.join();
  return std::move(shared->result);
}

}  // namespace loadgen
