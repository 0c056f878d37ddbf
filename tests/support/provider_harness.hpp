// The shipped provider plugins against the local upstream: real threads,
// real TCP on 127.0.0.1, and handlers that record what a call reported.
#pragma once

#include <array>

#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plugin/llm_client.hpp"
#include "plugin/registry.hpp"
#include "plugin/stt_client.hpp"
#include "plugin/tts_client.hpp"
#include "support/chain_harness.hpp"
#include "support/done_signal.hpp"
#include "upstream/upstream.hpp"

namespace switchboard::test {

// How a call ended: once, with its outcome, signalled to the waiting test.
struct CallEnd {
  void end(const sdk::Outcome &o) {
    {
      std::lock_guard lock(mutex);
      outcome = o;
      ++dones;
    }
    done.set();
  }
  std::mutex mutex;
  sdk::Outcome outcome;
  int dones = 0;
  DoneSignal done;
};

struct LlmRecord : plugin::LlmHandler, CallEnd {
  void on_token(std::string_view t) override {
    std::lock_guard lock(mutex);
    text += t;
    tokens.emplace_back(t);
    if (tokens.size() == 1) first_token.set();
  }
  void on_usage(std::uint32_t p, std::uint32_t c) override {
    std::lock_guard lock(mutex);
    usage = {p, c};
  }
  void on_tool_call(std::uint32_t index, std::string_view id, std::string_view name,
                    std::string_view arguments) override {
    std::lock_guard lock(mutex);
    tool_pieces.push_back({std::to_string(index), std::string(id), std::string(name), std::string(arguments)});
  }
  void on_done(const sdk::Outcome &o) override { end(o); }
  std::string text;
  std::vector<std::string> tokens;
  std::vector<std::array<std::string, 4>> tool_pieces;  // index, id, name, arguments
  std::pair<std::uint32_t, std::uint32_t> usage{};
  DoneSignal first_token;
};

struct TtsRecord : plugin::TtsHandler, CallEnd {
  void on_audio(const std::int16_t *, std::size_t count, std::uint32_t rate) override {
    std::lock_guard lock(mutex);
    samples += count;
    sample_rate = rate;
    if (++chunks == 1) first_chunk.set();
  }
  void on_done(const sdk::Outcome &o) override { end(o); }
  std::size_t samples = 0;
  std::uint32_t sample_rate = 0;
  int chunks = 0;
  DoneSignal first_chunk;
};

struct SttRecord : plugin::SttHandler, CallEnd {
  void on_partial(std::string_view t) override {
    std::lock_guard lock(mutex);
    partials.emplace_back(t);
  }
  void on_final(std::string_view t, float c, std::string_view) override {
    std::lock_guard lock(mutex);
    finals.emplace_back(t);
    confidence = c;
  }
  void on_done(const sdk::Outcome &o) override { end(o); }
  std::vector<std::string> partials;
  std::vector<std::string> finals;
  float confidence = 0;
};

// A steady tone, loud enough to count as speech for the upstream.
inline std::vector<std::int16_t> speech_like(std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t i = 0; i < samples; ++i) out[i] = static_cast<std::int16_t>(i % 40 < 20 ? 6000 : -6000);
  return out;
}

struct ProviderHarness : TestHost {
  ProviderHarness() {
    upstream.start();
    registry.scan({shipped_plugin_dir()});
  }
  ~ProviderHarness() override {
    instances.clear();
    executor.stop();
    upstream.stop();
  }

  std::shared_ptr<plugin::Instance> make(const std::string &id, const nlohmann::json &config) {
    std::string error;
    auto instance = plugin::Instance::create(registry.find(id), id, config, context(), error);
    if (!instance) throw std::runtime_error("cannot create " + id + ": " + error);
    instances.push_back(instance);
    return instance;
  }

  // What the plugin's own config check says about a block, one line per
  // problem: "<json pointer>: <message>".
  std::vector<std::string> config_errors(const std::string &id, const nlohmann::json &config) const {
    std::vector<std::string> out;
    sb_config_report report{
        [](void *user, const char *at, const char *message) {
          static_cast<std::vector<std::string> *>(user)->push_back(std::string(at) + ": " + message);
        },
        &out};
    registry.find(id)->descriptor().validate_config(config.dump().c_str(), report);
    return out;
  }

  // Waits for a handler's end; fails the test when it never comes.
  static void finished(DoneSignal &done) { ASSERT_TRUE(done.wait(std::chrono::seconds(20))) << "the call never ended"; }

  upstream::Upstream upstream;
  plugin::Registry registry;
  std::vector<std::shared_ptr<plugin::Instance>> instances;
};

}  // namespace switchboard::test
