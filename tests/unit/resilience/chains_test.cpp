#include "resilience/chains.hpp"

#include <gtest/gtest.h>

#include "support/chain_harness.hpp"

namespace switchboard::resilience {
namespace {

const char *kConfig =
    "stt:\n  - {name: ears, plugin: stt-scripted}\n"
    "llm:\n  - {name: brain, plugin: llm-scripted, hedge_after_ms: 100}\n  - {name: backup, plugin: llm-scripted}\n"
    "  - {name: missing, plugin: llm-does-not-exist}\n"
    "tts:\n  - {name: voice, plugin: tts-tone}\n";

TEST(Chains, ViewHasTheShapeOfGetProviders) {
  test::ChainHarness h(kConfig);
  const auto v = h.chains->view();
  for (const char *kind : {"stt", "llm", "tts"}) {
    const auto &c = v["providers"][kind];
    EXPECT_EQ(c["provider_type"], kind);
    EXPECT_TRUE(c["current_provider"].is_string());
    EXPECT_EQ(c["fallback_count"], 0);
    for (const auto &p : c["providers"]) {
      for (const char *key : {"name", "priority", "enabled", "available", "circuit", "stats"}) {
        EXPECT_TRUE(p.contains(key)) << kind << " lacks " << key;
      }
      EXPECT_EQ(p["circuit"]["name"], std::string(kind) + "_" + p["name"].get<std::string>());
      for (const char *key : {"name", "state", "is_available"}) EXPECT_TRUE(p["circuit"].contains(key));
      for (const char *key : {"calls", "failures", "last_error", "time_to_first_byte_ms"}) {
        EXPECT_TRUE(p["stats"].contains(key)) << key;
      }
    }
    EXPECT_TRUE(v["summary"][kind].contains("current"));
    EXPECT_TRUE(v["summary"][kind].contains("available_count"));
  }
  const auto &llm = v["providers"]["llm"]["providers"];
  EXPECT_EQ(llm[1]["priority"], 1);
  EXPECT_EQ(llm[2]["enabled"], false) << "a provider that could not be created shows, disabled";
  EXPECT_EQ(llm[2]["available"], false);
  EXPECT_EQ(llm[2]["stats"]["last_error"]["message"], "no plugin llm-does-not-exist");
  EXPECT_EQ(v["summary"]["llm"]["available_count"], 2);
  EXPECT_EQ(llm[0]["hedge_after_ms"], 100);
}

TEST(Chains, AReloadKeepsUnchangedProvidersWithTheirState) {
  test::ChainHarness h(kConfig);
  h.provider("llm", "brain").breaker.force_open();
  auto before_backup = h.chains->llm()->providers()[1];

  config::Diagnostics diags;
  const auto doc = config::YamlDocument::parse(
      "llm:\n  - {name: brain, plugin: llm-scripted, hedge_after_ms: 100}\n  - {name: backup, plugin: llm-scripted, "
      "config: {reply: new}}\n",
      "t.yaml", config::process_env(), diags);
  h.config = config::decode(doc, diags);
  auto next = h.build(h.chains.get());
  EXPECT_EQ(next->llm()->providers()[0]->breaker.snapshot().forced_open, true) << "brain carried over";
  EXPECT_NE(next->llm()->providers()[1], before_backup) << "backup changed, so it is new";
  EXPECT_TRUE(next->stt()->providers().empty());
}

TEST(Chains, AReloadTriesAgainAProviderWhoseInstanceCouldNotBeCreated) {
  test::ChainHarness h("llm:\n  - {name: brain, plugin: llm-scripted}\n");
  int attempts = 0;
  bool fail = true;
  InstanceFor flaky = [&](const config::ProviderSpec &spec, std::string &why) {
    ++attempts;
    if (fail) {
      why = "its server is not up yet";
      return std::shared_ptr<plugin::Instance>();
    }
    auto instance = plugin::Instance::create(h.registry.find(spec.plugin), spec.name, spec.config, h.context(), why);
    h.created.push_back(instance);
    return instance;
  };
  ChainContext context{h.clock(), h.executor, *h.wheel, {}};
  auto first = Chains::build(h.config, flaky, context);
  EXPECT_FALSE(first->llm()->providers()[0]->enabled);
  fail = false;
  auto second = Chains::build(h.config, flaky, context, first.get());
  EXPECT_EQ(attempts, 2) << "the unchanged entry is created again, not reused disabled";
  EXPECT_TRUE(second->llm()->providers()[0]->enabled);
  EXPECT_EQ(second->view()["summary"]["llm"]["available_count"], 1);
}

// The old chain still serves calls while the new one is built: reordering
// the same providers changes the new chain's priorities, not the old one's.
TEST(Chains, AReloadThatReordersProvidersLeavesTheOldChainAsItWas) {
  test::ChainHarness h("llm:\n  - {name: a, plugin: llm-scripted}\n  - {name: b, plugin: llm-scripted}\n");
  config::Diagnostics diags;
  const auto doc =
      config::YamlDocument::parse("llm:\n  - {name: b, plugin: llm-scripted}\n  - {name: a, plugin: llm-scripted}\n",
                                  "t.yaml", config::process_env(), diags);
  h.config = config::decode(doc, diags);
  auto next = h.build(h.chains.get());
  EXPECT_EQ(next->llm()->providers()[0], h.chains->llm()->providers()[1]) << "b is reused";
  const auto old_view = h.chains->view()["providers"]["llm"]["providers"];
  const auto new_view = next->view()["providers"]["llm"]["providers"];
  EXPECT_EQ(old_view[0]["name"], "a");
  EXPECT_EQ(old_view[0]["priority"], 0);
  EXPECT_EQ(new_view[0]["name"], "b");
  EXPECT_EQ(new_view[0]["priority"], 0);
  EXPECT_EQ(new_view[1]["priority"], 1);
}

}  // namespace
}  // namespace switchboard::resilience
