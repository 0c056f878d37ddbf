// The host's configuration, as read from YAML (see docs/configuration.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/diagnostics.hpp"
#include "config/env_substitution.hpp"
#include "config/yaml_document.hpp"

namespace switchboard::config {

struct CircuitSettings {
  int failure_threshold = 3;
  int window = 20;            // calls in the failure-rate window
  int min_calls = 10;         // calls before the rate is judged
  double failure_rate = 0.5;  // fraction of the window that trips the breaker
  double open_seconds = 30;
  double max_open_seconds = 300;
  double open_jitter = 0.1;     // each open period is up to this fraction longer, at random
  int half_open_probes = 1;     // calls admitted at once while half-open
  int half_open_successes = 1;  // probe successes in a row that close it
  int slow_call_ms = 0;         // a first byte later than this is a slow call; 0: not judged
  double slow_call_rate = 0.5;  // fraction of the window slow (or lost hedges) that opens it
  // "redis": this breaker's openings are told to the other hosts, and theirs
  // open it here for the same period (the redis: block says where).
  std::string share = "none";
};

// A recovery probe: while the breaker is open, a small synthetic request off
// the users' path decides when the provider is back (see docs/resilience.md).
struct ProbeSettings {
  bool enabled = false;  // a `probe:` block is present
  double interval_seconds = 5;
  int timeout_ms = 5000;
  std::string text = "ping";  // the llm prompt or the word spoken
};

struct TimeoutSettings {
  int first_byte_ms = 10000;
  int idle_ms = 10000;
  int total_ms = 120000;
};

// Built-in fault injection for a provider (see docs/resilience.md).
struct FaultSettings {
  bool enabled = false;      // a `fault:` block is present
  double error_rate = 0;     // fraction of calls that fail at once, retryable
  int latency_ms = 0;        // added before the call starts
  bool hang = false;         // calls never answer (until cancelled)
  int cut_after_chunks = 0;  // streams break after this many chunks; 0: never
  std::uint64_t seed = 1;    // for error_rate: the same seed, the same failures
};

// One entry of the stt, llm or tts chain, or the cache.
struct ProviderSpec {
  std::string kind;  // "stt", "llm", "tts", "cache"
  std::string name;
  std::string plugin;
  nlohmann::json config = nlohmann::json::object();
  CircuitSettings circuit;
  TimeoutSettings timeouts;
  int hedge_after_ms = 0;  // 0: no hedging
  int max_concurrent = 0;  // calls in flight at once; past it the chain moves on; 0: no limit
  ProbeSettings probe;
  // What this provider is asked for: its own model (llm), its own voice for
  // each conversation voice and a default (tts). Empty: the request's.
  std::string model;
  std::string voice;
  std::map<std::string, std::string> voice_map;
  FaultSettings fault;
  std::string pointer;  // where it stands in the document, e.g. "/llm/0"
};

// What a chain does as a whole (the `chains:` block, per kind).
struct ChainSettings {
  int call_ms = 0;                // a budget across every attempt of one call; 0: none
  bool try_when_all_open = true;  // every breaker open: try the one that reopens soonest
};

struct TransportSpec {
  std::string name;
  std::string plugin;
  std::string listen = "127.0.0.1:8000";
  nlohmann::json config = nlohmann::json::object();
  std::string pointer;
};

struct LogSettings {
  std::string level = "info";
  std::string format = "text";
};

// The audio core (see docs/audio.md).
struct AudioSettings {
  int min_speech_ms = 200;
  int trailing_silence_ms = 600;
  int barge_in_min_ms = 300;
  int vad_likelihood = 2;
  double min_rms = 0.01;
  double max_message_seconds = 30;
  double max_utterance_seconds = 30;
  int max_sample_rate = 48000;
  int max_channels = 8;
};

// The Redis that several hosts share (see docs/operations.md, "Several hosts"):
// breaker news, and sessions unless sessions: names a url of its own.
struct RedisSettings {
  std::string url;  // redis://[[user]:password@]host[:port][/db]; empty: none
  std::string key_prefix = "switchboard:";
  int timeout_ms = 250;
  int retry_after_ms = 1000;
  std::string host_id;  // this host's name in breaker news; empty: hostname and pid
};

struct SessionSettings {
  std::string store = "memory";  // memory, sqlite or redis
  std::string path;              // the SQLite file (store: sqlite), absolute
  int idle_timeout_seconds = 3600;
  // store: redis (see docs/operations.md, "Several hosts"); url, key_prefix,
  // timeout_ms and retry_after_ms default to the redis: block's
  std::string url;                          // redis://[[user]:password@]host[:port][/db]
  std::string key_prefix = "switchboard:";  // before every key, so hosts of other deployments can share a Redis
  int ttl_seconds = 86400;                  // Redis forgets a session idle this long, whatever the hosts do
  int timeout_ms = 250;                     // the most one store call waits for Redis
  int retry_after_ms = 1000;                // after a failure, calls go to memory this long before Redis is tried again
};

// How a turn runs (see docs/conversation.md).
struct ConversationSettings {
  std::string system_prompt;
  int history_turns = 10;                 // earlier user messages (with their answers) sent to the llm; 0: all
  int history_tokens = 2000;              // and about this many tokens of them; 0: no limit
  std::string during_turn = "interrupt";  // a new message during a turn: interrupt or queue
  std::string voice;                      // the tts voice; empty: each provider's own
  bool cache_tts = true;                  // speech from the cache when there is one
  bool cache_llm_answers = false;         // exact-match answers from the cache
  int llm_max_tokens = 0;                 // 0: the provider's default
  double llm_temperature = -1;            // < 0: the provider's default
};

// The operator's documents for retrieval (see docs/documents.md).
struct DocumentSettings {
  std::string path;  // the SQLite file, absolute; empty: in memory
  int chunk_words = 120;
  int passages = 3;  // the best passages added to a turn that asks for documents
  long long max_document_bytes = 10 * 1024 * 1024;
};

struct HttpTool {
  std::string name;
  std::string description;
  std::string url;
  nlohmann::json parameters = nlohmann::json::object();  // JSON schema of its arguments
  int timeout_ms = 5000;
  std::string pointer;  // where it is in the config
};

// The tools a model may call when a turn offers them (see docs/tools.md).
struct ToolSettings {
  std::vector<std::string> builtin = {"search_documents", "current_time"};
  std::vector<HttpTool> http;
  std::vector<std::string> allowed_hosts;  // every HTTP tool's URL host must be one of these
  int max_rounds = 4;                      // model calls of one turn that may ask for tools
  int max_result_bytes = 16384;            // a result longer than this is cut
};

struct Config {
  std::filesystem::path file;
  std::vector<std::filesystem::path> plugin_dirs;  // absolute
  LogSettings log;
  std::vector<ProviderSpec> stt;
  std::vector<ProviderSpec> llm;
  std::vector<ProviderSpec> tts;
  std::optional<ProviderSpec> cache;
  ChainSettings stt_chain;
  ChainSettings llm_chain;
  ChainSettings tts_chain;
  RedisSettings redis;
  // SIGTERM: turns under way get this long to finish before the transports
  // stop (their WebSockets closed with 1012, Service Restart).
  double shutdown_grace_seconds = 10;
  SessionSettings sessions;
  ConversationSettings conversation;
  AudioSettings audio;
  DocumentSettings documents;
  ToolSettings tools;
  std::vector<TransportSpec> transports;

  // Every provider and transport, chains first, for checks that treat them alike.
  std::vector<const ProviderSpec *> providers() const;
  // The config file's folder: relative paths in the config start there.
  std::filesystem::path folder() const { return std::filesystem::absolute(file).parent_path(); }
};

// Checks the document against the host's schema and the rules between keys
// (unique names), then decodes it; decoding tolerates what the checks
// reported, so one pass finds every problem.
Config decode(const YamlDocument &doc, Diagnostics &diags);

// Reads, checks and decodes a config file.
Config load(const std::filesystem::path &file, const EnvLookup &env, Diagnostics &diags,
            YamlDocument *doc_out = nullptr);

// The config as JSON with every secret-looking string replaced by "***".
nlohmann::json redacted(const nlohmann::json &value);
bool is_secret_key(const std::string &key);

}  // namespace switchboard::config
