// The C++ layer compiles (C++17 and C++20, -Wpedantic) with a plugin of every
// kind, and the descriptors it makes are complete.
#include <cstring>

#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

struct S : sdk::Stt {
  explicit S(sdk::Host &) {}
  std::unique_ptr<sdk::SttStream> open(const sdk::SttOptions &, sdk::SttSink, sdk::CancelToken) override {
    return nullptr;
  }
};
struct L : sdk::Llm {
  explicit L(sdk::Host &) {}
  static void validate(const nlohmann::json &c, sdk::ConfigErrors &e) { sdk::config::allow_only(c, {"a"}, e); }
  void chat(const sdk::LlmRequest &, sdk::LlmSink sink, sdk::CancelToken) override { sink.done(); }
};
struct T : sdk::Tts {
  explicit T(sdk::Host &) {}
  std::vector<sdk::Voice> voices() override { return {}; }
  void synthesize(const sdk::TtsRequest &, sdk::TtsSink sink, sdk::CancelToken) override { sink.done(); }
};
struct C : sdk::Cache {
  explicit C(sdk::Host &) {}
  std::optional<std::string> get(std::string_view) override { return std::nullopt; }
  void put(std::string_view, std::string_view, std::chrono::seconds) override {}
  void erase(std::string_view) override {}
  void clear() override {}
  nlohmann::json stats() override { return nlohmann::json::object(); }
};
struct X : sdk::Transport {
  explicit X(sdk::Host &) {}
  std::string start(const std::string &listen) override { return listen; }
  void stop() override {}
};

namespace d = sdk::detail;

int main() {
  const sb_plugin_descriptor *all[] = {
      d::descriptor<S>("s", "1.0.0", ""), d::descriptor<L>("l", "1.0.0", ""), d::descriptor<T>("t", "1.0.0", ""),
      d::descriptor<C>("c", "1.0.0", ""), d::descriptor<X>("x", "1.0.0", ""),
  };
  const sb_plugin_kind kinds[] = {SB_KIND_STT, SB_KIND_LLM, SB_KIND_TTS, SB_KIND_CACHE, SB_KIND_TRANSPORT};
  for (int i = 0; i < 5; ++i) {
    if (all[i]->kind != kinds[i] || all[i]->vtable == nullptr || all[i]->create == nullptr) return 1;
  }
  // Only the class that declares validate() gets a validator.
  if (all[1]->validate_config == nullptr || all[0]->validate_config != nullptr) return 2;
  int errors = 0;
  sb_config_report report{[](void *user, const char *, const char *) { ++*static_cast<int *>(user); }, &errors};
  if (all[1]->validate_config("{\"a\": 1, \"b\": 2}", report) != SB_INVALID_INPUT || errors != 1) return 3;
  return 0;
}
