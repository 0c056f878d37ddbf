#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "config/schema.hpp"
#include "switchboard/http/url.hpp"
#include "switchboard/redis/client.hpp"

namespace switchboard::config {
namespace {

using nlohmann::json;

std::string check_listen(const json &value) {
  const auto &s = value.get_ref<const std::string &>();
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return "expected host:port, found '" + s + "'";
  }
  const std::string port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoi(port) > 65535) {
    return "port must be a number from 0 to 65535, found '" + port + "'";
  }
  return "";
}

Rule circuit_rule() {
  return Rule::object({
      optional("failure_threshold", Rule::integer(1, 1000)),
      optional("window", Rule::integer(1, 10000)),
      optional("min_calls", Rule::integer(1, 10000)),
      optional("failure_rate", Rule::number(0.01, 1.0)),
      optional("open_seconds", Rule::number(0.001, 86400)),
      optional("max_open_seconds", Rule::number(0.001, 86400)),
      optional("open_jitter", Rule::number(0, 1)),
      optional("half_open_probes", Rule::integer(1, 1000)),
      optional("half_open_successes", Rule::integer(1, 1000)),
      optional("slow_call_ms", Rule::integer(0, 3600000)),
      optional("slow_call_rate", Rule::number(0.01, 1.0)),
      optional("share", Rule::string().one_of({"none", "redis"})),
  });
}

Rule probe_rule() {
  return Rule::object({
      optional("interval_seconds", Rule::number(0.01, 86400)),
      optional("timeout_ms", Rule::integer(1, 3600000)),
      optional("text", Rule::string()),
  });
}

Rule chain_rule() {
  return Rule::object({
      optional("call_ms", Rule::integer(0, 86400000)),
      optional("when_all_open", Rule::string().one_of({"try_soonest", "fail"})),
  });
}

std::string check_string_values(const json &value) {
  for (const auto &[key, v] : value.items()) {
    if (!v.is_string()) return "the voice for '" + key + "' must be a string";
  }
  return "";
}

Rule timeouts_rule() {
  return Rule::object({
      optional("first_byte_ms", Rule::integer(1, 3600000)),
      optional("idle_ms", Rule::integer(1, 3600000)),
      optional("total_ms", Rule::integer(1, 86400000)),
  });
}

Rule fault_rule() {
  return Rule::object({
      optional("error_rate", Rule::number(0, 1)),
      optional("latency_ms", Rule::integer(0, 3600000)),
      optional("hang", Rule::boolean()),
      optional("cut_after_chunks", Rule::integer(0, 1000000)),
      optional("seed", Rule::integer(0, 9007199254740991LL)),
  });
}

Rule provider_rule() {
  return Rule::object({
      required("name", Rule::string()),
      required("plugin", Rule::string()),
      optional("config", Rule::plugin_config()),
      optional("circuit", circuit_rule()),
      optional("timeouts", timeouts_rule()),
      optional("hedge_after_ms", Rule::integer(1, 3600000)),
      optional("max_concurrent", Rule::integer(0, 1000000)),
      optional("probe", probe_rule()),
      optional("model", Rule::string()),
      optional("voice", Rule::string()),
      optional("voice_map", Rule::plugin_config().check(check_string_values)),
      optional("fault", fault_rule()),
  });
}

Rule cache_rule() {
  return Rule::object({
      optional("name", Rule::string()),
      required("plugin", Rule::string()),
      optional("config", Rule::plugin_config()),
  });
}

Rule transport_rule() {
  return Rule::object({
      required("name", Rule::string()),
      required("plugin", Rule::string()),
      optional("listen", Rule::string().check(check_listen)),
      optional("config", Rule::plugin_config()),
  });
}

const Rule &root_rule() {
  static const Rule rule = Rule::object({
      optional("plugin_dirs", Rule::array(Rule::string())),
      optional("log", Rule::object({
                          optional("level", Rule::string().one_of({"trace", "debug", "info", "warn", "error", "off"})),
                          optional("format", Rule::string().one_of({"text", "json"})),
                      })),
      optional("stt", Rule::array(provider_rule())),
      optional("llm", Rule::array(provider_rule())),
      optional("tts", Rule::array(provider_rule())),
      optional("cache", cache_rule()),
      optional("chains", Rule::object({
                             optional("stt", chain_rule()),
                             optional("llm", chain_rule()),
                             optional("tts", chain_rule()),
                         })),
      optional("shutdown", Rule::object({optional("grace_seconds", Rule::number(0, 3600))})),
      optional("redis", Rule::object({
                            optional("url", Rule::string()),
                            optional("key_prefix", Rule::string()),
                            optional("timeout_ms", Rule::integer(1, 60000)),
                            optional("retry_after_ms", Rule::integer(0, 600000)),
                            optional("host_id", Rule::string()),
                        })),
      optional("sessions", Rule::object({
                               optional("store", Rule::string().one_of({"memory", "sqlite", "redis"})),
                               optional("path", Rule::string()),
                               optional("idle_timeout_seconds", Rule::integer(1, 31536000)),
                               optional("url", Rule::string()),
                               optional("key_prefix", Rule::string()),
                               optional("ttl_seconds", Rule::integer(1, 31536000)),
                               optional("timeout_ms", Rule::integer(1, 60000)),
                               optional("retry_after_ms", Rule::integer(0, 600000)),
                           })),
      optional("conversation", Rule::object({
                                   optional("system_prompt", Rule::string()),
                                   optional("history_turns", Rule::integer(0, 10000)),
                                   optional("history_tokens", Rule::integer(0, 10000000)),
                                   optional("during_turn", Rule::string().one_of({"interrupt", "queue"})),
                                   optional("voice", Rule::string()),
                                   optional("cache_tts", Rule::boolean()),
                                   optional("cache_llm_answers", Rule::boolean()),
                                   optional("llm_max_tokens", Rule::integer(0, 1000000)),
                                   optional("llm_temperature", Rule::number(0, 2)),
                               })),
      optional("audio", Rule::object({
                            optional("min_speech_ms", Rule::integer(20, 5000)),
                            optional("trailing_silence_ms", Rule::integer(100, 10000)),
                            optional("barge_in_min_ms", Rule::integer(20, 5000)),
                            optional("vad_likelihood", Rule::integer(0, 3)),
                            optional("min_rms", Rule::number(0, 1)),
                            optional("max_message_seconds", Rule::number(0.1, 600)),
                            optional("max_utterance_seconds", Rule::number(1, 600)),
                            optional("max_sample_rate", Rule::integer(8000, 192000)),
                            optional("max_channels", Rule::integer(1, 32)),
                        })),
      optional("documents", Rule::object({
                                optional("path", Rule::string()),
                                optional("chunk_words", Rule::integer(20, 2000)),
                                optional("passages", Rule::integer(0, 20)),
                                optional("max_document_bytes", Rule::integer(1024, 1LL << 30)),
                            })),
      optional("tools",
               Rule::object({
                   optional("builtin", Rule::array(Rule::string().one_of({"search_documents", "current_time"}))),
                   optional("http", Rule::array(Rule::object({
                                        required("name", Rule::string()),
                                        optional("description", Rule::string()),
                                        required("url", Rule::string()),
                                        optional("parameters", Rule::plugin_config()),
                                        optional("timeout_ms", Rule::integer(100, 120000)),
                                    }))),
                   optional("allowed_hosts", Rule::array(Rule::string())),
                   optional("max_rounds", Rule::integer(1, 16)),
                   optional("max_result_bytes", Rule::integer(256, 1048576)),
               })),
      optional("transports", Rule::array(transport_rule())),
  });
  return rule;
}

// Typed reads that keep the default when a value has the wrong type: the
// schema has already reported it.
template <class T>
void read(const json &object, const char *key, T &out) {
  const auto it = object.find(key);
  if (it == object.end()) {
    return;
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) out = it->template get<bool>();
  } else if constexpr (std::is_same_v<T, int>) {
    if (it->is_number_integer()) out = it->template get<int>();
  } else {
    if (it->is_number()) out = it->template get<double>();
  }
}

const json &member(const json &object, const char *key) {
  static const json empty = json::object();
  if (!object.is_object()) {
    return empty;
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : empty;
}

std::vector<std::string> strings_of(const json &object, const char *key) {
  std::vector<std::string> out;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return out;
  for (const auto &v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

DocumentSettings decode_documents(const json &block, const std::filesystem::path &base) {
  DocumentSettings d;
  read(block, "path", d.path);
  if (!d.path.empty()) d.path = (base / d.path).lexically_normal().string();
  read(block, "chunk_words", d.chunk_words);
  read(block, "passages", d.passages);
  if (const auto it = block.find("max_document_bytes"); it != block.end() && it->is_number_integer()) {
    d.max_document_bytes = it->get<long long>();
  }
  return d;
}

ToolSettings decode_tools(const json &block) {
  ToolSettings t;
  if (block.contains("builtin")) t.builtin = strings_of(block, "builtin");
  t.allowed_hosts = strings_of(block, "allowed_hosts");
  read(block, "max_rounds", t.max_rounds);
  read(block, "max_result_bytes", t.max_result_bytes);
  if (const auto it = block.find("http"); it != block.end() && it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json &item = (*it)[i];
      if (!item.is_object()) continue;
      HttpTool h;
      read(item, "name", h.name);
      read(item, "description", h.description);
      read(item, "url", h.url);
      read(item, "timeout_ms", h.timeout_ms);
      if (const auto p = item.find("parameters"); p != item.end() && p->is_object()) h.parameters = *p;
      h.pointer = "/tools/http/" + std::to_string(i);
      t.http.push_back(std::move(h));
    }
  }
  return t;
}

// An HTTP tool calls only a listed host, over http or https, and its name is
// one a model can call (OpenAI's rule: 1 to 64 of a-z A-Z 0-9 _ -).
void check_tools(const ToolSettings &t, const YamlDocument &doc, Diagnostics &diags) {
  std::set<std::string> names(t.builtin.begin(), t.builtin.end());
  for (const auto &h : t.http) {
    const bool name_ok = !h.name.empty() && h.name.size() <= 64 &&
                         std::all_of(h.name.begin(), h.name.end(),
                                     [](unsigned char ch) { return std::isalnum(ch) != 0 || ch == '_' || ch == '-'; });
    if (!name_ok) doc.error_at_value(diags, h.pointer + "/name", "a tool name is 1 to 64 of a-z A-Z 0-9 _ -");
    if (!names.insert(h.name).second)
      doc.error_at_value(diags, h.pointer + "/name", "duplicate tool name '" + h.name + "'");
    http::UrlParts url;
    if (!http::split_url(h.url, url) || (url.scheme != "http" && url.scheme != "https")) {
      doc.error_at_value(diags, h.pointer + "/url", "a tool's url is http:// or https://");
      continue;
    }
    const std::string &host = url.host;
    if (std::find(t.allowed_hosts.begin(), t.allowed_hosts.end(), host) == t.allowed_hosts.end()) {
      doc.error_at_value(diags, h.pointer + "/url", "the tool's host '" + host + "' is not in tools.allowed_hosts");
    }
  }
}

ProviderSpec decode_provider(const json &item, const std::string &kind, const std::string &pointer) {
  ProviderSpec p;
  p.kind = kind;
  p.pointer = pointer;
  if (!item.is_object()) {
    return p;
  }
  read(item, "name", p.name);
  read(item, "plugin", p.plugin);
  p.config = member(item, "config");
  const json &c = member(item, "circuit");
  read(c, "failure_threshold", p.circuit.failure_threshold);
  read(c, "window", p.circuit.window);
  read(c, "min_calls", p.circuit.min_calls);
  read(c, "failure_rate", p.circuit.failure_rate);
  read(c, "open_seconds", p.circuit.open_seconds);
  read(c, "max_open_seconds", p.circuit.max_open_seconds);
  read(c, "open_jitter", p.circuit.open_jitter);
  read(c, "half_open_probes", p.circuit.half_open_probes);
  read(c, "half_open_successes", p.circuit.half_open_successes);
  read(c, "slow_call_ms", p.circuit.slow_call_ms);
  read(c, "slow_call_rate", p.circuit.slow_call_rate);
  read(c, "share", p.circuit.share);
  const json &t = member(item, "timeouts");
  read(t, "first_byte_ms", p.timeouts.first_byte_ms);
  read(t, "idle_ms", p.timeouts.idle_ms);
  read(t, "total_ms", p.timeouts.total_ms);
  read(item, "hedge_after_ms", p.hedge_after_ms);
  read(item, "max_concurrent", p.max_concurrent);
  if (const auto it = item.find("probe"); it != item.end() && it->is_object()) {
    p.probe.enabled = true;
    read(*it, "interval_seconds", p.probe.interval_seconds);
    read(*it, "timeout_ms", p.probe.timeout_ms);
    read(*it, "text", p.probe.text);
  }
  read(item, "model", p.model);
  read(item, "voice", p.voice);
  for (const auto &[key, v] : member(item, "voice_map").items()) {
    if (v.is_string()) p.voice_map[key] = v.get<std::string>();
  }
  if (const auto it = item.find("fault"); it != item.end() && it->is_object()) {
    p.fault.enabled = true;
    read(*it, "error_rate", p.fault.error_rate);
    read(*it, "latency_ms", p.fault.latency_ms);
    read(*it, "cut_after_chunks", p.fault.cut_after_chunks);
    if (const auto hang = it->find("hang"); hang != it->end() && hang->is_boolean()) p.fault.hang = hang->get<bool>();
    if (const auto seed = it->find("seed"); seed != it->end() && seed->is_number_integer()) {
      p.fault.seed = static_cast<std::uint64_t>(seed->get<std::int64_t>());
    }
  }
  return p;
}

std::vector<ProviderSpec> decode_chain(const json &root, const std::string &kind) {
  std::vector<ProviderSpec> out;
  const auto it = root.find(kind);
  if (it == root.end() || !it->is_array()) {
    return out;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    out.push_back(decode_provider((*it)[i], kind, "/" + kind + "/" + std::to_string(i)));
  }
  return out;
}

void check_unique_names(const std::vector<ProviderSpec> &chain, const YamlDocument &doc, Diagnostics &diags) {
  std::set<std::string> seen;
  for (const auto &p : chain) {
    if (!p.name.empty() && !seen.insert(p.name).second) {
      doc.error_at_value(diags, p.pointer + "/name",
                         "duplicate " + p.kind + " name '" + p.name + "': names must be unique within a kind");
    }
  }
}

ConversationSettings decode_conversation(const json &conv) {
  ConversationSettings c;
  read(conv, "system_prompt", c.system_prompt);
  read(conv, "history_turns", c.history_turns);
  read(conv, "history_tokens", c.history_tokens);
  read(conv, "during_turn", c.during_turn);
  read(conv, "voice", c.voice);
  read(conv, "cache_tts", c.cache_tts);
  read(conv, "cache_llm_answers", c.cache_llm_answers);
  read(conv, "llm_max_tokens", c.llm_max_tokens);
  read(conv, "llm_temperature", c.llm_temperature);
  return c;
}

AudioSettings decode_audio(const json &a) {
  AudioSettings out;
  read(a, "min_speech_ms", out.min_speech_ms);
  read(a, "trailing_silence_ms", out.trailing_silence_ms);
  read(a, "barge_in_min_ms", out.barge_in_min_ms);
  read(a, "vad_likelihood", out.vad_likelihood);
  read(a, "min_rms", out.min_rms);
  read(a, "max_message_seconds", out.max_message_seconds);
  read(a, "max_utterance_seconds", out.max_utterance_seconds);
  read(a, "max_sample_rate", out.max_sample_rate);
  read(a, "max_channels", out.max_channels);
  return out;
}

std::vector<TransportSpec> decode_transports(const json &root) {
  std::vector<TransportSpec> out;
  const auto it = root.find("transports");
  if (it == root.end() || !it->is_array()) return out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json &item = (*it)[i];
    TransportSpec t;
    t.pointer = "/transports/" + std::to_string(i);
    if (item.is_object()) {
      read(item, "name", t.name);
      read(item, "plugin", t.plugin);
      read(item, "listen", t.listen);
      t.config = member(item, "config");
    }
    out.push_back(t);
  }
  return out;
}

// The rules between keys, which the schema cannot say.
void check_meaning(const Config &c, const YamlDocument &doc, Diagnostics &diags) {
  check_unique_names(c.stt, doc, diags);
  check_unique_names(c.llm, doc, diags);
  check_unique_names(c.tts, doc, diags);
  for (const auto *chain : {&c.stt, &c.tts}) {
    for (const auto &p : *chain) {
      if (p.hedge_after_ms > 0) {
        doc.error_at_key(diags, p.pointer + "/hedge_after_ms", "hedge_after_ms applies to llm providers only");
      }
      if (!p.model.empty()) doc.error_at_key(diags, p.pointer + "/model", "model applies to llm providers only");
    }
  }
  for (const auto *chain : {&c.stt, &c.llm}) {
    for (const auto &p : *chain) {
      if (!p.voice.empty()) doc.error_at_key(diags, p.pointer + "/voice", "voice applies to tts providers only");
      if (!p.voice_map.empty())
        doc.error_at_key(diags, p.pointer + "/voice_map", "voice_map applies to tts providers only");
    }
  }
  check_tools(c.tools, doc, diags);
  if (c.sessions.store == "sqlite" && c.sessions.path.empty()) {
    doc.error_at_key(diags, "/sessions/store", "store: sqlite needs a path: (the database file)");
  }
  auto check_url = [&](const std::string &url, const std::string &pointer) {
    try {
      (void)redis::parse_url(url);
    } catch (const std::invalid_argument &e) {
      doc.error_at_value(diags, pointer, e.what());
    }
  };
  if (!c.redis.url.empty()) check_url(c.redis.url, "/redis/url");
  if (c.sessions.store == "redis") {
    if (c.sessions.url.empty()) {
      doc.error_at_key(diags, "/sessions/store", "store: redis needs a url: (here or in the redis: block)");
    } else if (c.sessions.url != c.redis.url) {
      check_url(c.sessions.url, "/sessions/url");
    }
  }
  for (const auto *p : c.providers()) {
    if (p->circuit.share == "redis" && c.redis.url.empty()) {
      doc.error_at_key(diags, p->pointer + "/circuit/share", "share: redis needs the redis: block's url");
    }
  }
  std::set<std::string> transport_names;
  for (const auto &t : c.transports) {
    if (!t.name.empty() && !transport_names.insert(t.name).second) {
      doc.error_at_value(diags, t.pointer + "/name", "duplicate transport name '" + t.name + "'");
    }
  }
}

}  // namespace

std::vector<const ProviderSpec *> Config::providers() const {
  std::vector<const ProviderSpec *> out;
  for (const auto *chain : {&stt, &llm, &tts}) {
    for (const auto &p : *chain) {
      out.push_back(&p);
    }
  }
  if (cache) {
    out.push_back(&*cache);
  }
  return out;
}

Config decode(const YamlDocument &doc, Diagnostics &diags) {
  const json &root = doc.root();
  if (!root.is_object()) {
    doc.error_at_value(diags, "", "the config must be a mapping");
    return {};
  }
  root_rule().validate(root, "", doc, diags);

  Config c;
  c.file = doc.file();
  const auto base = c.folder();
  if (const auto it = root.find("plugin_dirs"); it != root.end() && it->is_array()) {
    for (const auto &dir : *it) {
      if (dir.is_string()) {
        c.plugin_dirs.push_back((base / dir.get<std::string>()).lexically_normal());
      }
    }
  }
  read(member(root, "log"), "level", c.log.level);
  read(member(root, "log"), "format", c.log.format);
  c.stt = decode_chain(root, "stt");
  c.llm = decode_chain(root, "llm");
  c.tts = decode_chain(root, "tts");
  if (const auto it = root.find("cache"); it != root.end() && it->is_object()) {
    ProviderSpec cache = decode_provider(*it, "cache", "/cache");
    if (cache.name.empty()) {
      cache.name = cache.plugin;
    }
    c.cache = cache;
  }
  for (auto [kind, chain] : {std::pair{"stt", &c.stt_chain}, {"llm", &c.llm_chain}, {"tts", &c.tts_chain}}) {
    const json &block = member(member(root, "chains"), kind);
    read(block, "call_ms", chain->call_ms);
    std::string all_open = "try_soonest";
    read(block, "when_all_open", all_open);
    chain->try_when_all_open = all_open != "fail";
  }
  read(member(root, "shutdown"), "grace_seconds", c.shutdown_grace_seconds);
  const json &redis_block = member(root, "redis");
  read(redis_block, "url", c.redis.url);
  read(redis_block, "key_prefix", c.redis.key_prefix);
  read(redis_block, "timeout_ms", c.redis.timeout_ms);
  read(redis_block, "retry_after_ms", c.redis.retry_after_ms);
  read(redis_block, "host_id", c.redis.host_id);
  // The session store's Redis is the redis: block's unless it says otherwise.
  c.sessions.url = c.redis.url;
  c.sessions.key_prefix = c.redis.key_prefix;
  c.sessions.timeout_ms = c.redis.timeout_ms;
  c.sessions.retry_after_ms = c.redis.retry_after_ms;
  read(member(root, "sessions"), "store", c.sessions.store);
  read(member(root, "sessions"), "idle_timeout_seconds", c.sessions.idle_timeout_seconds);
  read(member(root, "sessions"), "path", c.sessions.path);
  read(member(root, "sessions"), "url", c.sessions.url);
  read(member(root, "sessions"), "key_prefix", c.sessions.key_prefix);
  read(member(root, "sessions"), "ttl_seconds", c.sessions.ttl_seconds);
  read(member(root, "sessions"), "timeout_ms", c.sessions.timeout_ms);
  read(member(root, "sessions"), "retry_after_ms", c.sessions.retry_after_ms);
  if (!c.sessions.path.empty()) c.sessions.path = (base / c.sessions.path).lexically_normal().string();
  c.conversation = decode_conversation(member(root, "conversation"));
  c.audio = decode_audio(member(root, "audio"));
  c.documents = decode_documents(member(root, "documents"), base);
  c.tools = decode_tools(member(root, "tools"));
  c.transports = decode_transports(root);
  check_meaning(c, doc, diags);
  return c;
}

Config load(const std::filesystem::path &file, const EnvLookup &env, Diagnostics &diags, YamlDocument *doc_out) {
  const std::size_t before = diags.size();
  YamlDocument doc = YamlDocument::load(file, env, diags);
  Config c;
  // A file that could not be parsed has no structure worth checking.
  const bool parsed = diags.size() == before || !doc.root().empty();
  if (parsed) {
    c = decode(doc, diags);
  }
  c.file = file;
  if (doc_out != nullptr) {
    *doc_out = std::move(doc);
  }
  return c;
}

bool is_secret_key(const std::string &key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  for (const char *word : {"key", "secret", "token", "password"}) {
    if (lower.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

json redacted(const json &value) {
  if (value.is_array()) {
    json out = json::array();
    for (const auto &item : value) {
      out.push_back(redacted(item));
    }
    return out;
  }
  if (!value.is_object()) {
    return value;
  }
  json out = json::object();
  for (const auto &item : value.items()) {
    const bool hide = is_secret_key(item.key()) && item.value().is_string() && !item.value().get<std::string>().empty();
    out[item.key()] = hide ? json("***") : redacted(item.value());
  }
  return out;
}

}  // namespace switchboard::config
