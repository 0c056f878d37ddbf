// bench-llm-sync: answers with one token and ends before chat() returns, so
// a benchmark measures the boundary and nothing else.
#include "switchboard/sdk/plugin.hpp"

namespace sdk = switchboard::sdk;

class SyncLlm : public sdk::Llm {
 public:
  explicit SyncLlm(sdk::Host &) {}
  void chat(const sdk::LlmRequest &, sdk::LlmSink sink, sdk::CancelToken) override {
    sink.token("ok");
    sink.done();
  }
};

SWITCHBOARD_PLUGIN(SyncLlm, "bench-llm-sync", "1.0.0", "One token, synchronously")
