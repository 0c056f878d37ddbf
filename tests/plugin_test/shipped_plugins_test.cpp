// `switchboard plugin-test` on every plugin Switchboard ships, each with a
// config a user would write: the offline ones as they come, the hosted
// providers pointed at the local upstream, cache-redis at a redis-server of
// the test's own. Every check passes; a skip is allowed only where the
// plugin says why it cannot work here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "plugin_test/kit_run.hpp"
#include "support/redis_server.hpp"
#include "support/scratch.hpp"
#include "upstream/upstream.hpp"

namespace switchboard::test {
namespace {

const std::vector<std::string> &shipped() {
  // The slowest first (100 PocketSphinx models loaded and freed), so that
  // `ctest -j` runs the rest beside it.
  static const std::vector<std::string> ids = {"stt-pocketsphinx",  "cache-memory",
                                               "cache-redis",       "llm-kb",
                                               "llm-openai",        "llm-scripted",
                                               "stt-deepgram",      "stt-openai",
                                               "stt-scripted",      "transport-conversational",
                                               "transport-poppins", "transport-voice-api",
                                               "transport-voxtral", "transport-youworker",
                                               "tts-cartesia",      "tts-elevenlabs",
                                               "tts-espeak",        "tts-flite",
                                               "tts-openai",        "tts-tone"};
  return ids;
}

std::string section_of(const std::string &id) {
  const std::string kind = id.substr(0, id.find('-'));
  return kind == "transport" ? "transports" : kind;
}

// The config block a user would give each plugin here.
nlohmann::json config_of(const std::string &id, const std::string &upstream, const std::string &redis) {
  const std::string key = "sk-test-key";
  if (id == "llm-openai") return {{"base_url", upstream + "/v1"}, {"api_key", key}, {"model", "gpt-4o-mini"}};
  if (id == "stt-openai") return {{"base_url", upstream + "/v1"}, {"api_key", key}};
  if (id == "tts-openai") return {{"base_url", upstream + "/v1"}, {"api_key", key}, {"model", "tts-1"}};
  if (id == "stt-deepgram") return {{"base_url", upstream}, {"api_key", key}};
  if (id == "tts-cartesia" || id == "tts-elevenlabs") {
    return {{"base_url", upstream}, {"api_key", key}, {"voice", "voice-1"}, {"sample_rate", 16000}};
  }
  if (id == "cache-redis") return {{"url", redis}, {"max_value_bytes", 1 << 20}};
  if (id == "cache-memory") return {{"max_bytes", 8 << 20}};
  if (id == "stt-pocketsphinx") return {{"decoders", 1}};
  if (id == "llm-kb") return {{"knowledge", std::string(SWITCHBOARD_SOURCE_DIR) + "/config/knowledge/parenting.yaml"}};
  return nlohmann::json::object();
}

TEST(ShippedPlugins, TheListIsEveryPluginBuilt) {
  std::set<std::string> built;
  for (const auto &f : std::filesystem::directory_iterator(SWITCHBOARD_PLUGIN_DIR)) {
    if (f.path().extension() == ".so") built.insert(f.path().stem().string());
  }
  EXPECT_EQ(built, std::set<std::string>(shipped().begin(), shipped().end()));
}

class ShippedPlugin : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedPlugin, KeepsTheContract) {
  const std::string id = GetParam();
  upstream::Upstream up;
  up.start();
  std::unique_ptr<RedisServer> redis;
  if (id == "cache-redis") redis = std::make_unique<RedisServer>();
  const nlohmann::json config = config_of(id, up.url(), redis ? redis->url() : "");

  const auto path = scratch_file("plugin-test", id, ".yaml");
  const std::string entry = "{name: under-test, plugin: " + id + ", config: " + config.dump() +
                            (section_of(id) == "transports" ? ", listen: \"127.0.0.1:0\"}" : "}");
  std::ofstream(path) << "plugin_dirs: [\"" << SWITCHBOARD_PLUGIN_DIR << "\"]\n"
                      << (id.rfind("cache-", 0) == 0 ? "cache: " + entry : section_of(id) + ":\n  - " + entry) << "\n";

  const KitRun run = run_kit(std::string(SWITCHBOARD_PLUGIN_DIR) + "/" + id + ".so", path.string(), "under-test");
  EXPECT_EQ(run.code, 0) << run.not_passed() << run.err;
  EXPECT_EQ(run.report["plugin"].value("id", ""), id);
  EXPECT_EQ(run.report.value("failed", -1), 0) << run.not_passed();
  // Skips: only what the kind's plugin cannot be asked here, each with its reason.
  for (const auto &c : run.report.value("checks", nlohmann::json::array())) {
    if (c.value("outcome", "") == "skip") {
      EXPECT_FALSE(c.value("detail", "").empty()) << c.dump();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, ShippedPlugin, ::testing::ValuesIn(shipped()), [](const auto &p) {
  std::string name = p.param;
  for (char &c : name) {
    if (c == '-') c = '_';
  }
  return name;
});

}  // namespace
}  // namespace switchboard::test
