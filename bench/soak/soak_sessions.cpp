#include "soak_sessions.hpp"

#include "loadgen/clients.hpp"

#include <random>
#include <thread>
#include <vector>

#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/sdk/base64.hpp"

namespace soak {

using namespace loadgen;  // Asio, Beast and the clients' helpers
namespace ws = beast::websocket;

Tally &Tally::operator+=(const Tally &o) {
  user_finals += o.user_finals;
  answers += o.answers;
  llm_failed += o.llm_failed;
  stt_failed += o.stt_failed;
  tts_failed += o.tts_failed;
  interrupted += o.interrupted;
  other_errors += o.other_errors;
  frames_sent += o.frames_sent;
  return *this;
}

namespace {

constexpr std::size_t kFrameBytes = 640;  // 20 ms at 16 kHz, s16

struct Shared {
  const std::atomic<bool> *stop;
  std::vector<std::string> frames;  // each 20 ms of the loop, as the audio message
  int port;
  long loops;  // of the recording in one conversation
  std::mutex mutex;
  Result result;
};

struct Session {
  explicit Session(asio::io_context &io) : socket(asio::make_strand(io)) {}
  ws::stream<beast::tcp_stream> socket;
  Tally tally;
  bool closing = false;
  bool reading = true;

  void message(std::string_view text) {
    const auto m = nlohmann::json::parse(text, nullptr, false);
    if (!m.is_object()) {
      ++tally.other_errors;
      return;
    }
    const std::string type = m.value("type", "");
    if (type == "transcript_update") {
      const auto &d = m["data"];
      if (!d.is_object() || !d.value("is_final", false)) return;
      ++(d.value("speaker", "") == "assistant" ? tally.answers : tally.user_finals);
    } else if (type == "interrupt_ack") {
      ++tally.interrupted;
    } else if (type == "error") {
      const std::string code = m.value("code", "");
      ++(code == "llm_failed"   ? tally.llm_failed
         : code == "stt_failed" ? tally.stt_failed
         : code == "tts_failed" ? tally.tts_failed
                                : tally.other_errors);
    }
  }
};

awaitable<void> read_all(std::shared_ptr<Session> s) {
  co_await read_messages(s->socket, [&s](std::string_view m) { s->message(m); });
  if (!s->closing) s->tally.dropped = true;
  s->reading = false;
}

// One conversation on a new session: whole loops of the recording in real
// time, `loops` of them or until told to stop, a moment for the last
// answer, then goodbye. How it went.
enum class Went { well, not_connected, dropped };
awaitable<Went> converse(std::shared_ptr<Shared> shared, asio::io_context &io, const std::string &id, long loops,
                         Clock::time_point start, Tally &tally) {
  auto s = std::make_shared<Session>(io);
  try {
    auto executor = s->socket.get_executor();
    asio::ip::tcp::resolver resolver(executor);
    const auto endpoints = co_await resolver.async_resolve("127.0.0.1", std::to_string(shared->port), use_awaitable);
    co_await beast::get_lowest_layer(s->socket).async_connect(endpoints, use_awaitable);
    beast::get_lowest_layer(s->socket).socket().set_option(asio::ip::tcp::no_delay(true));
    co_await s->socket.async_handshake("127.0.0.1", "/voice/" + id, use_awaitable);
    s->tally.connected = true;
    asio::co_spawn(executor, read_all(s), asio::detached);
    asio::steady_timer timer(executor);
    s->socket.text(true);
    const long frames = loops * static_cast<long>(shared->frames.size());
    for (long k = 0; k < frames && !shared->stop->load() && s->reading; ++k) {
      timer.expires_at(start + std::chrono::milliseconds(20 * k));
      co_await timer.async_wait(use_awaitable);
      co_await s->socket.async_write(asio::buffer(shared->frames[static_cast<std::size_t>(k) % shared->frames.size()]),
                                     use_awaitable);
      ++s->tally.frames_sent;
    }
    // The turn under way gets a moment to end before goodbye.
    timer.expires_after(std::chrono::seconds(2));
    co_await timer.async_wait(use_awaitable);
    s->closing = true;
    if (s->reading) co_await s->socket.async_close(ws::close_code::normal, use_awaitable);
  } catch (const std::exception &) {
    if (!s->closing) s->tally.dropped = true;
  }
  tally += s->tally;
  co_return !s->tally.connected ? Went::not_connected : s->tally.dropped ? Went::dropped : Went::well;
}

// A user of the service: conversation after conversation, each on a new
// session, until told to stop (the ended sessions expire on the server).
awaitable<void> run_client(std::shared_ptr<Shared> shared, asio::io_context &io, int index, Clock::duration offset) {
  Tally tally;
  long conversations = 0;
  Went went = Went::well;
  asio::steady_timer timer(io);
  timer.expires_after(offset);
  co_await timer.async_wait(use_awaitable);
  while (went == Went::well && !shared->stop->load()) {
    const std::string id = "soak-" + std::to_string(index) + "-" + std::to_string(conversations++);
    went = co_await converse(shared, io, id, shared->loops, Clock::now(), tally);
  }
  std::lock_guard lock(shared->mutex);
  auto &r = shared->result;
  r.total += tally;
  r.conversations += conversations;
  r.connected += went == Went::not_connected ? 0 : 1;
  r.dropped += went == Went::dropped ? 1 : 0;
  // Each conversation's last turn may be cut by the run's end, no other.
  r.with_unended_turns += tally.unended() > 1 ? 1 : 0;
}

}  // namespace

Result run_sessions(const Options &options, const std::atomic<bool> &stop) {
  auto shared = std::make_shared<Shared>();
  shared->stop = &stop;
  shared->port = options.port;
  shared->loops = std::max(1, options.loops_per_conversation);
  for (std::size_t at = 0; at + kFrameBytes <= options.pcm.size(); at += kFrameBytes) {
    const auto frame = std::string_view(options.pcm).substr(at, kFrameBytes);
    shared->frames.push_back("{\"type\":\"audio\",\"data\":\"" + switchboard::sdk::base64_encode(frame) + "\"}");
  }
  asio::io_context io;
  std::mt19937 rng(7);
  // Users start spread over a conversation's length, so neither their turns
  // nor their new sessions all fall at the same moment.
  std::uniform_int_distribution<long> spread(0, shared->loops * static_cast<long>(shared->frames.size()) * 20);
  for (int i = 0; i < options.sessions; ++i) {
    asio::co_spawn(io, run_client(shared, io, i, std::chrono::milliseconds(spread(rng))), asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto &t : threads) t.join();
  return std::move(shared->result);
}

}  // namespace soak
