// A local stand-in for the hosted providers: speaks each one's wire protocol
// as its public API reference documents it (and refuses what the real one
// refuses), with scripted answers and faults injected on request. Runs on
// 127.0.0.1 in a test's own process, or as the switchboard-upstream program.
//
//   route             path
//   chat              POST /v1/chat/completions          (OpenAI and compatibles)
//   transcriptions    POST /v1/audio/transcriptions      (OpenAI, Groq, whisper servers)
//   speech            POST /v1/audio/speech              (OpenAI)
//   cartesia          POST /tts/bytes                    (Cartesia)
//   elevenlabs        POST /v1/text-to-speech/{voice}/stream (ElevenLabs)
//   deepgram          POST /v1/listen                    (Deepgram prerecorded)
//   deepgram-live     GET  /v1/listen, WebSocket upgrade (Deepgram live)
//   control           POST /_upstream/faults, GET /_upstream/stats
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::upstream {

enum class FaultKind {
  latency,    // wait delay_ms, then answer normally
  hang,       // never send a byte; hold the connection until the client goes
  stall,      // send after_chunks pieces of the stream, then go silent
  status429,  // 429 with Retry-After: retry_after_s
  status500,  // 500 with the provider's error body
  reset,      // after after_chunks pieces (0: at once), reset the connection
  malformed,  // after after_chunks pieces, a piece the protocol does not allow
  truncate,   // after after_chunks pieces, end the body mid-sample, unterminated
};

// One fault, for the next `count` requests on `route` ("" for any; -1 for
// every request until cleared).
struct Fault {
  std::string route;
  FaultKind kind = FaultKind::latency;
  int count = 1;
  int delay_ms = 0;
  int after_chunks = 0;
  int retry_after_s = 1;
};

// Reads a fault from JSON: {"route":"chat","kind":"stall","after_chunks":3}.
std::optional<Fault> fault_from_json(const nlohmann::json &j, std::string &error);

struct Script {
  std::string api_key = "sk-test-key";  // what every route expects
  // "{first_user}" in it: the request's first user message (what history came).
  std::string reply = "Hello from the upstream. It streams one word at a time.";
  std::string transcript = "hello from the upstream";
  std::vector<std::string> models = {"gpt-4o-mini", "whisper-1",         "tts-1",  "gpt-4o-mini-tts",
                                     "sonic-2",     "eleven_flash_v2_5", "nova-3", "llama3.2"};
  std::string missing_voice = "unknown";  // the voice id the TTS routes do not have
  int first_token_ms = 0;                 // chat: before the first token
  int token_ms = 0;                       // chat: between tokens
  int speech_ms_per_char = 20;            // audio length of synthesized text
  int audio_chunk_ms = 100;               // audio sent in pieces this long
  int interim_every_ms = 300;             // deepgram-live: an interim result per this much audio
  // chat: when the request offers a tool of this name and none has answered
  // since the last user message, the reply is a call to it with these
  // arguments (streamed in pieces); after the tool's result, the reply is
  // "From the tool: " and the first words of its result (a search's first
  // passage text).
  std::string tool_call;
  std::string tool_arguments = "{}";
};

class Upstream {
 public:
  explicit Upstream(Script script = {}, unsigned threads = 1);
  ~Upstream();
  Upstream(const Upstream &) = delete;
  Upstream &operator=(const Upstream &) = delete;

  // Listens on 127.0.0.1:port (0: any free port).
  void start(std::uint16_t port = 0);
  void stop();
  std::uint16_t port() const;
  std::string url() const;     // "http://127.0.0.1:PORT"
  std::string ws_url() const;  // "ws://127.0.0.1:PORT"

  void inject(const Fault &fault);
  void clear_faults();
  // Refuses new connections (closes the listener) or accepts them again.
  void refuse_connections(bool refuse);

  Script &script();  // change between requests, not during one

  // What the upstream has seen.
  int requests(const std::string &route) const;
  std::uint64_t connections_accepted() const;
  int open_connections() const;
  // The last request on a route: {"headers": {...}, "body": ..., "target": ...}.
  nlohmann::json last_request(const std::string &route) const;
  // Waits until open_connections() == n; false on timeout.
  bool wait_open_connections(int n, std::chrono::milliseconds timeout) const;
  nlohmann::json stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace switchboard::upstream
