#include "config/config.hpp"

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

namespace switchboard::config {
namespace {

EnvLookup no_env() {
  return [](const std::string &) -> std::optional<std::string> { return std::nullopt; };
}

struct Decoded {
  Config config;
  Diagnostics diags;
};

Decoded decode_text(const std::string &text) {
  Decoded out;
  const auto doc = YamlDocument::parse(text, "c.yaml", no_env(), out.diags);
  out.config = decode(doc, out.diags);
  return out;
}

std::vector<std::string> messages(const Diagnostics &diags) {
  std::vector<std::string> out;
  for (const auto &d : diags.sorted()) out.push_back(format(d));
  return out;
}

TEST(Config, DecodesTheContractExample) {
  const auto r = decode_text(R"(plugin_dirs: [plugins]
log: {level: debug, format: json}
stt:
  - name: pocketsphinx
    plugin: stt-pocketsphinx
    config: {decoders: 2}
llm:
  - name: ollama
    plugin: llm-openai
    config: {base_url: "http://127.0.0.1:11434/v1", model: "llama3.2"}
    circuit: {failure_threshold: 5, open_seconds: 12}
    timeouts: {first_byte_ms: 2500, idle_ms: 5000, total_ms: 60000}
  - name: knowledge-base
    plugin: llm-kb
tts:
  - {name: flite, plugin: tts-flite, config: {voice: slt}}
cache: {plugin: cache-memory, config: {max_bytes: 67108864}}
sessions: {store: memory, idle_timeout_seconds: 60}
transports:
  - name: voice-api
    plugin: transport-voice-api
    listen: 127.0.0.1:0
)");
  EXPECT_TRUE(r.diags.empty()) << messages(r.diags).front();
  const Config &c = r.config;
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.format, "json");
  ASSERT_EQ(c.plugin_dirs.size(), 1u);
  EXPECT_TRUE(c.plugin_dirs[0].is_absolute());
  EXPECT_EQ(c.plugin_dirs[0].filename(), "plugins");
  ASSERT_EQ(c.llm.size(), 2u);
  EXPECT_EQ(c.llm[0].name, "ollama");
  EXPECT_EQ(c.llm[0].config["model"], "llama3.2");
  EXPECT_EQ(c.llm[0].circuit.failure_threshold, 5);
  EXPECT_DOUBLE_EQ(c.llm[0].circuit.open_seconds, 12);
  EXPECT_EQ(c.llm[0].timeouts.first_byte_ms, 2500);
  EXPECT_EQ(c.llm[1].circuit.failure_threshold, 3) << "defaults apply where keys are absent";
  EXPECT_EQ(c.llm[1].pointer, "/llm/1");
  EXPECT_EQ(c.stt[0].config["decoders"], 2);
  ASSERT_TRUE(c.cache.has_value());
  EXPECT_EQ(c.cache->name, "cache-memory");
  EXPECT_EQ(c.sessions.idle_timeout_seconds, 60);
  ASSERT_EQ(c.transports.size(), 1u);
  EXPECT_EQ(c.transports[0].listen, "127.0.0.1:0");
}

TEST(Config, ReportsEveryMistakeInOnePassWithPositions) {
  const auto r = decode_text(R"(log: {level: loud}
llm:
  - name: a
    plugin: llm-a
    circuit: {failure_threshold: 0}
  - name: a
    plugin: llm-b
    retries: 3
  - plugin: llm-c
transports:
  - {name: t, plugin: transport-x, listen: "localhost"}
sesions: {}
)");
  const auto m = messages(r.diags);
  ASSERT_EQ(m.size(), 7u);
  EXPECT_EQ(m[0], "c.yaml:1:14: 'loud' is not one of: trace, debug, info, warn, error, off");
  EXPECT_EQ(m[1], "c.yaml:5:34: must be between 1 and 1000, found 0");
  EXPECT_EQ(m[2], "c.yaml:6:11: duplicate llm name 'a': names must be unique within a kind");
  EXPECT_EQ(m[3].substr(0, 33), "c.yaml:8:5: unknown key 'retries'");
  EXPECT_EQ(m[4], "c.yaml:9:5: missing required key 'name'");
  EXPECT_EQ(m[5], "c.yaml:11:44: expected host:port, found 'localhost'");
  EXPECT_EQ(m[6].substr(0, 34), "c.yaml:12:1: unknown key 'sesions'");
}

TEST(Config, ReportsUnknownTopLevelKeysAndWrongTypes) {
  const auto r = decode_text("stt: {name: x}\ntransprots: []\nplugin_dirs: plugins\n");
  const auto m = messages(r.diags);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0], "c.yaml:1:6: expected a list, found a mapping");
  EXPECT_EQ(m[1].substr(0, 36), "c.yaml:2:1: unknown key 'transprots'");
  EXPECT_EQ(m[2], "c.yaml:3:14: expected a list, found the string 'plugins'");
}

TEST(Config, DecodesHedgingAndFaultInjection) {
  const auto r = decode_text(
      "llm:\n  - name: t\n    plugin: p\n    hedge_after_ms: 250\n"
      "    fault: {error_rate: 0.25, latency_ms: 40, hang: true, cut_after_chunks: 3, seed: 99}\n"
      "  - {name: u, plugin: p}\n");
  ASSERT_TRUE(r.diags.empty());
  const auto &t = r.config.llm[0];
  EXPECT_EQ(t.hedge_after_ms, 250);
  EXPECT_TRUE(t.fault.enabled);
  EXPECT_DOUBLE_EQ(t.fault.error_rate, 0.25);
  EXPECT_EQ(t.fault.latency_ms, 40);
  EXPECT_TRUE(t.fault.hang);
  EXPECT_EQ(t.fault.cut_after_chunks, 3);
  EXPECT_EQ(t.fault.seed, 99u);
  EXPECT_FALSE(r.config.llm[1].fault.enabled);
  const auto bad = decode_text("llm:\n  - {name: x, plugin: p, fault: {error_rate: 2, hang: yes}}\n");
  EXPECT_EQ(bad.diags.size(), 2u);
  const auto tts = decode_text("tts:\n  - {name: x, plugin: p, hedge_after_ms: 5}\n");
  ASSERT_EQ(tts.diags.size(), 1u);
  EXPECT_EQ(format(tts.diags.items()[0]), "c.yaml:2:26: hedge_after_ms applies to llm providers only");
}

TEST(Config, DecodesBreakerPoliciesProbesBulkheadsAndChainSettings) {
  const auto r = decode_text(
      "chains:\n  llm: {call_ms: 8000, when_all_open: fail}\n  tts: {call_ms: 3000}\n"
      "llm:\n  - name: t\n    plugin: p\n    model: llama3.2\n    max_concurrent: 4\n"
      "    circuit: {open_jitter: 0.2, half_open_successes: 3, slow_call_ms: 1500, slow_call_rate: 0.8}\n"
      "    probe: {interval_seconds: 2.5, timeout_ms: 900, text: hello}\n"
      "tts:\n  - {name: v, plugin: p, voice: en-us, voice_map: {slt: en-us, kal: en-gb}}\n");
  ASSERT_TRUE(r.diags.empty()) << messages(r.diags).front();
  const auto &t = r.config.llm[0];
  EXPECT_EQ(t.model, "llama3.2");
  EXPECT_EQ(t.max_concurrent, 4);
  EXPECT_DOUBLE_EQ(t.circuit.open_jitter, 0.2);
  EXPECT_EQ(t.circuit.half_open_successes, 3);
  EXPECT_EQ(t.circuit.slow_call_ms, 1500);
  EXPECT_DOUBLE_EQ(t.circuit.slow_call_rate, 0.8);
  EXPECT_TRUE(t.probe.enabled);
  EXPECT_DOUBLE_EQ(t.probe.interval_seconds, 2.5);
  EXPECT_EQ(t.probe.timeout_ms, 900);
  EXPECT_EQ(t.probe.text, "hello");
  EXPECT_EQ(r.config.llm_chain.call_ms, 8000);
  EXPECT_FALSE(r.config.llm_chain.try_when_all_open);
  EXPECT_EQ(r.config.tts_chain.call_ms, 3000);
  EXPECT_TRUE(r.config.tts_chain.try_when_all_open) << "the default";
  EXPECT_EQ(r.config.stt_chain.call_ms, 0);
  const auto &v = r.config.tts[0];
  EXPECT_EQ(v.voice, "en-us");
  EXPECT_EQ(v.voice_map.at("kal"), "en-gb");
  EXPECT_FALSE(r.config.tts[0].probe.enabled);
  const auto bad = decode_text(
      "chains: {llm: {when_all_open: sometimes}}\n"
      "llm:\n  - {name: x, plugin: p, voice: slt, circuit: {slow_call_rate: 0}}\n"
      "tts:\n  - {name: y, plugin: p, model: m, voice_map: {slt: 3}}\n");
  EXPECT_EQ(messages(bad.diags), (std::vector<std::string>{
                                     "c.yaml:1:31: 'sometimes' is not one of: try_soonest, fail",
                                     "c.yaml:3:26: voice applies to tts providers only",
                                     "c.yaml:3:64: must be between 0.01 and 1, found 0",
                                     "c.yaml:5:26: model applies to llm providers only",
                                     "c.yaml:5:47: the voice for 'slt' must be a string",
                                 }));
}

TEST(Config, DecodesTheAudioBlock) {
  const auto r = decode_text(
      "audio: {trailing_silence_ms: 800, barge_in_min_ms: 250, max_sample_rate: 24000, "
      "min_rms: 0.02}\n");
  ASSERT_TRUE(r.diags.empty());
  EXPECT_EQ(r.config.audio.trailing_silence_ms, 800);
  EXPECT_EQ(r.config.audio.barge_in_min_ms, 250);
  EXPECT_EQ(r.config.audio.max_sample_rate, 24000);
  EXPECT_DOUBLE_EQ(r.config.audio.min_rms, 0.02);
  EXPECT_EQ(r.config.audio.min_speech_ms, 200) << "defaults for the rest";
  const auto bad = decode_text("audio: {trailing_silence_ms: 5, vad: on}\n");
  EXPECT_EQ(bad.diags.size(), 2u);
}

TEST(Config, DecodesDocumentsAndTools) {
  const auto r = decode_text(
      "documents: {path: docs.db, chunk_words: 80, passages: 2}\n"
      "tools:\n"
      "  builtin: [current_time]\n"
      "  allowed_hosts: [tools.example.com]\n"
      "  http:\n"
      "    - {name: weather, url: \"https://tools.example.com:8443/w\", timeout_ms: 900, "
      "parameters: {type: object}}\n");
  ASSERT_TRUE(r.diags.empty()) << messages(r.diags).front();
  EXPECT_EQ(std::filesystem::path(r.config.documents.path).filename(), "docs.db");
  EXPECT_TRUE(std::filesystem::path(r.config.documents.path).is_absolute());
  EXPECT_EQ(r.config.documents.chunk_words, 80);
  EXPECT_EQ(r.config.documents.passages, 2);
  EXPECT_EQ(r.config.tools.builtin, std::vector<std::string>{"current_time"});
  ASSERT_EQ(r.config.tools.http.size(), 1u);
  EXPECT_EQ(r.config.tools.http[0].timeout_ms, 900);
  EXPECT_EQ(r.config.tools.http[0].parameters, (nlohmann::json{{"type", "object"}}));
  EXPECT_EQ(decode_text("").config.tools.builtin, (std::vector<std::string>{"search_documents", "current_time"}));
}

TEST(Config, AnHttpToolCallsOnlyAListedHostByHttp) {
  const auto r = decode_text(
      "tools:\n"
      "  allowed_hosts: [tools.example.com]\n"
      "  http:\n"
      "    - {name: a, url: \"http://169.254.169.254/latest\"}\n"
      "    - {name: b, url: \"file:///etc/passwd\"}\n"
      "    - {name: \"bad name\", url: \"https://user@tools.example.com/x\"}\n"
      "    - {name: a, url: \"https://tools.example.com/y\"}\n");
  const auto m = messages(r.diags);
  ASSERT_EQ(m.size(), 4u);
  auto has = [&](const std::string &text) {
    return std::any_of(m.begin(), m.end(), [&](const std::string &x) { return x.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("'169.254.169.254' is not in tools.allowed_hosts"));
  EXPECT_TRUE(has("http:// or https://"));
  EXPECT_TRUE(has("1 to 64"));
  EXPECT_TRUE(has("duplicate tool name 'a'"));
}

TEST(Config, RejectsStoresThatDoNotExistYet) {
  const auto r = decode_text("sessions: {store: redis}\n");
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_NE(r.diags.items()[0].message.find("redis"), std::string::npos);
}

TEST(Config, RedactsSecretLookingStrings) {
  const nlohmann::json in = {
      {"llm", {{{"config", {{"api_key", "sk-live-123"}, {"max_tokens", 50}, {"model", "m"}}}}}},
      {"auth", {{"jwt_secret", "s3"}, {"admin_password", "p"}, {"token", ""}}},
  };
  const auto out = redacted(in);
  EXPECT_EQ(out["llm"][0]["config"]["api_key"], "***");
  EXPECT_EQ(out["llm"][0]["config"]["max_tokens"], 50);
  EXPECT_EQ(out["llm"][0]["config"]["model"], "m");
  EXPECT_EQ(out["auth"]["jwt_secret"], "***");
  EXPECT_EQ(out["auth"]["admin_password"], "***");
  EXPECT_EQ(out["auth"]["token"], "") << "nothing to hide in an empty value";
  EXPECT_EQ(out.dump().find("sk-live"), std::string::npos);
}

}  // namespace
}  // namespace switchboard::config
