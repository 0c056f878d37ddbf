#include "voice_load.hpp"

#include <atomic>
#include <random>
#include <thread>

#include <boost/beast/websocket.hpp>

#include "clients.hpp"
#include "server_message.hpp"
#include "switchboard/sdk/base64.hpp"

namespace loadgen {

namespace ws = beast::websocket;

namespace {

constexpr std::size_t kFrameBytes = 640;  // 20 ms at 16 kHz, s16

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Shared {
  std::vector<std::string> frames;  // each 20 ms frame of the recording (base64 for JSON)
  std::vector<std::string> chunks;  // Send::chunks
  std::string host;
  int port;
  Send send = Send::json;
  int chunk_ms = 200;
  long chunk_period = 1;  // chunks' loop, in chunk_ms steps
  long frames_per_session;
  long ack_every = 1;
  std::mutex mutex;
  VoiceResult result;
};

// A session lives on one thread's I/O context: its handlers are serial
// without a strand.
struct Session {
  explicit Session(asio::io_context &io) : socket(io.get_executor()) {}
  ws::stream<beast::tcp_stream> socket;
  std::string outgoing;  // the JSON frame being sent, its capacity kept
  std::vector<Clock::time_point> sent;
  std::vector<double> ingest, lag, turn;
  long acked = 0;
  long errors = 0;
  long dropped_samples = 0;
  Clock::time_point speech_end{};
  bool awaiting_audio = false;
  bool reading = true;

  void message(std::string_view text) {
    const auto now = Clock::now();
    const ServerMessage m = read_server_message(text);
    switch (m.kind) {
      case ServerMessage::Kind::audio_ack:
        if (m.seq >= 0 && static_cast<std::size_t>(m.seq) < sent.size()) {
          ingest.push_back(ms(now - sent[static_cast<std::size_t>(m.seq)]));
        }
        dropped_samples = std::max<long>(dropped_samples, static_cast<long>(m.dropped_samples));
        ++acked;
        break;
      case ServerMessage::Kind::speech_ended:
        speech_end = now;
        awaiting_audio = true;
        break;
      case ServerMessage::Kind::audio:
        if (awaiting_audio) turn.push_back(ms(now - speech_end));
        awaiting_audio = false;
        break;
      case ServerMessage::Kind::error:
        ++errors;
        break;
      case ServerMessage::Kind::other:
        break;
    }
  }
};

awaitable<void> read_all(std::shared_ptr<Session> s) {
  co_await read_messages(s->socket, [&s](std::string_view m) { s->message(m); });
  s->reading = false;
}

awaitable<void> run_session(std::shared_ptr<Shared> shared, asio::io_context &io, int index, Clock::duration offset) {
  auto s = std::make_shared<Session>(io);
  auto executor = s->socket.get_executor();
  const auto frames = static_cast<std::size_t>(shared->frames_per_session);
  s->sent.resize(frames);
  s->lag.reserve(frames);
  s->ingest.reserve(frames / static_cast<std::size_t>(shared->ack_every) + 1);
  try {
    asio::ip::tcp::resolver resolver(executor);
    const auto endpoints = co_await resolver.async_resolve(shared->host, std::to_string(shared->port), use_awaitable);
    co_await beast::get_lowest_layer(s->socket).async_connect(endpoints, use_awaitable);
    beast::get_lowest_layer(s->socket).socket().set_option(asio::ip::tcp::no_delay(true));
    co_await s->socket.async_handshake(shared->host, "/voice/load-" + std::to_string(index), use_awaitable);
    {
      std::lock_guard lock(shared->mutex);
      ++shared->result.sessions_connected;
    }
    asio::co_spawn(s->socket.get_executor(), read_all(s), asio::detached);
    asio::steady_timer timer(s->socket.get_executor());
    const auto start = Clock::now() + offset;
    s->socket.text(shared->send == Send::json);
    if (shared->send == Send::chunks) {
      // One piece every chunk_ms, as a MediaRecorder's ondataavailable.
      const long steps = shared->frames_per_session * 20 / shared->chunk_ms;
      for (long k = 0; k < steps; ++k) {
        const auto due = start + std::chrono::milliseconds(shared->chunk_ms * k);
        timer.expires_at(due);
        co_await timer.async_wait(use_awaitable);
        s->lag.push_back(ms(Clock::now() - due));
        const long at = k % shared->chunk_period;
        if (at >= static_cast<long>(shared->chunks.size())) continue;  // the silence between recordings
        co_await s->socket.async_write(asio::buffer(shared->chunks[static_cast<std::size_t>(at)]), use_awaitable);
      }
      timer.expires_after(std::chrono::seconds(1));  // the last turn's answer
      co_await timer.async_wait(use_awaitable);
      co_await s->socket.async_close(ws::close_code::normal, use_awaitable);
    }
    for (long k = 0; shared->send != Send::chunks && k < shared->frames_per_session; ++k) {
      const auto due = start + std::chrono::milliseconds(20 * k);
      timer.expires_at(due);
      co_await timer.async_wait(use_awaitable);
      const auto now = Clock::now();
      s->lag.push_back(ms(now - due));
      // One frame in ack_every is numbered, so the server acknowledges it:
      // the latency sample, without an extra message for every frame.
      const std::string &frame = shared->frames[static_cast<std::size_t>(k) % shared->frames.size()];
      s->sent[static_cast<std::size_t>(k)] = now;
      if (shared->send == Send::binary) {
        co_await s->socket.async_write(asio::buffer(frame), use_awaitable);
        continue;
      }
      s->outgoing.assign("{\"type\":\"audio\",");
      if (k % shared->ack_every == 0) s->outgoing.append("\"seq\":").append(std::to_string(k)).append(",");
      s->outgoing.append("\"data\":\"").append(frame).append("\"}");
      co_await s->socket.async_write(asio::buffer(s->outgoing), use_awaitable);
    }
    if (shared->send != Send::chunks) {
      // The last acknowledgements (none come for binary frames), then goodbye.
      const long expected =
          shared->send == Send::json ? (shared->frames_per_session + shared->ack_every - 1) / shared->ack_every : 0;
      for (int i = 0; i < 100 && s->acked < expected && s->reading; ++i) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(use_awaitable);
      }
      co_await s->socket.async_close(ws::close_code::normal, use_awaitable);
    }
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
  const long numbered =
      shared->send == Send::json ? (static_cast<long>(s->lag.size()) + shared->ack_every - 1) / shared->ack_every : 0;
  r.frames_dropped += std::max(0L, numbered - s->acked) + (s->dropped_samples + 319) / 320;
  r.errors += s->errors;
}

}  // namespace

VoiceResult run_voice(const VoiceOptions &options) {
  auto shared = std::make_shared<Shared>();
  shared->host = options.host;
  shared->port = options.port;
  shared->send = options.send;
  shared->chunks = options.chunks;
  shared->chunk_ms = std::max(20, options.chunk_ms);
  // The chunks' loop lasts as long as the PCM recording's (speech, silence).
  shared->chunk_period = std::max<long>(static_cast<long>(options.chunks.size()) + 1,
                                        static_cast<long>(options.pcm.size() / 32) / shared->chunk_ms);
  for (std::size_t at = 0; at + kFrameBytes <= options.pcm.size(); at += kFrameBytes) {
    const auto frame = std::string_view(options.pcm).substr(at, kFrameBytes);
    shared->frames.push_back(options.send == Send::json ? switchboard::sdk::base64_encode(frame) : std::string(frame));
  }
  shared->frames_per_session = static_cast<long>(options.duration.count() * 50);
  shared->ack_every = std::max(1, options.ack_every);
  // One I/O context per thread, sessions dealt out in turn: the threads
  // share no scheduler and never wake each other.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < std::max(1, options.threads); ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> spread(0, 999);  // sessions start spread over a second
  for (int i = 0; i < options.sessions; ++i) {
    auto &io = *contexts[static_cast<std::size_t>(i) % contexts.size()];
    asio::co_spawn(io, run_session(shared, io, i, std::chrono::milliseconds(1000 + spread(rng))), asio::detached);
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts.size(); ++i) threads.emplace_back([&io = *contexts[i]] { io.run(); });
  contexts.front()->run();
  for (auto &t : threads) t.join();
  return std::move(shared->result);
}

}  // namespace loadgen
