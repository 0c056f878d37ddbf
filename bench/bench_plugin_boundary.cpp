// What crossing the plugin boundary costs: one LLM call that answers at once,
// through the bare C ABI and through the C++ layer, against a plain virtual
// call doing the same work; and how long loading a plugin takes.
#include <benchmark/benchmark.h>

#include "core/system_clock.hpp"
#include "plugin/llm_client.hpp"
#include "plugin/registry.hpp"

namespace sb = switchboard;

namespace {

struct Host {
  sb::admin::Metrics metrics;
  sb::core::Executor executor{1};
  sb::core::SystemClock clock{executor};
  sb::core::ControlQueue control;

  std::shared_ptr<sb::plugin::Instance> create(const std::string &file) {
    auto loaded = sb::plugin::LoadedPlugin::load(std::string(SWITCHBOARD_BENCH_PLUGIN_DIR) + "/" + file);
    std::string error;
    return sb::plugin::Instance::create(std::get<std::shared_ptr<sb::plugin::LoadedPlugin>>(loaded), "bench", {},
                                        {executor, metrics, clock, control}, error);
  }
};

class Count : public sb::plugin::LlmHandler {
 public:
  void on_token(std::string_view t) override { bytes += t.size(); }
  void on_done(const sb::plugin::Outcome &) override { ++done; }
  std::size_t bytes = 0;
  std::size_t done = 0;
};

void chat_through(benchmark::State &state, const std::string &file) {
  Host host;
  auto llm = host.create(file);
  Count handler;
  sb::plugin::LlmRequest request;
  request.messages = {{"user", "hi"}};
  for (auto _ : state) {
    sb::plugin::CancelSource cancel;
    benchmark::DoNotOptimize(sb::plugin::chat(*llm, request, handler, cancel));
  }
  if (handler.done != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a call did not end");
}

void BM_ChatThroughCAbi(benchmark::State &state) {
  chat_through(state, "bench-llm-c.so");
}
void BM_ChatThroughCppLayer(benchmark::State &state) {
  chat_through(state, "bench-llm-sync.so");
}

// The same work with no boundary: a virtual call into the same handler.
struct Direct {
  virtual ~Direct() = default;
  virtual void chat(sb::plugin::LlmHandler &h) = 0;
};
struct DirectImpl : Direct {
  void chat(sb::plugin::LlmHandler &h) override {
    h.on_token("ok");
    h.on_done({});
  }
};

void BM_ChatDirectVirtualCall(benchmark::State &state) {
  std::unique_ptr<Direct> direct = std::make_unique<DirectImpl>();
  Count handler;
  for (auto _ : state) {
    sb::plugin::CancelSource cancel;
    benchmark::DoNotOptimize(&cancel);
    direct->chat(handler);
  }
}

void BM_LoadPlugin(benchmark::State &state) {
  for (auto _ : state) {
    auto loaded = sb::plugin::LoadedPlugin::load(std::string(SWITCHBOARD_BENCH_PLUGIN_DIR) + "/bench-llm-sync.so");
    benchmark::DoNotOptimize(loaded);
  }
}

}  // namespace

BENCHMARK(BM_ChatDirectVirtualCall);
BENCHMARK(BM_ChatThroughCAbi);
BENCHMARK(BM_ChatThroughCppLayer);
BENCHMARK(BM_LoadPlugin);
BENCHMARK_MAIN();
