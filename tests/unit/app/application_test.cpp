// The running host as transports see it: the providers extension.
#include "app/application.hpp"

#include <gtest/gtest.h>

#include "plugin/outcome.hpp"
#include "support/chain_harness.hpp"
#include "support/conversation_harness.hpp"
#include "support/done_signal.hpp"
#include "support/scratch.hpp"

namespace switchboard::app {
namespace {

config::Config config_of(const std::string &yaml) {
  config::Diagnostics diags;
  const auto doc = config::YamlDocument::parse(yaml, "app.yaml", config::process_env(), diags);
  auto c = config::decode(doc, diags);
  EXPECT_TRUE(diags.empty());
  return c;
}

std::shared_ptr<plugin::Registry> registry() {
  auto r = std::make_shared<plugin::Registry>();
  r->scan({test::shipped_plugin_dir(), test::fixture_plugin_dir()});
  return r;
}

nlohmann::json view(const sb_providers_ext &ext) {
  std::string text;
  sb_error err = plugin::empty_error();
  EXPECT_EQ(ext.view(ext.ctx, plugin::string_sink(text), &err), SB_OK);
  return nlohmann::json::parse(text);
}

TEST(Application, OffersTheProvidersExtensionToPlugins) {
  Application app(config_of("llm:\n  - {name: main, plugin: llm-scripted}\n  - {name: spare, plugin: llm-scripted}\n"
                            "  - {name: broken, plugin: fixture-factory-fails}\n"
                            "tts:\n  - {name: tone, plugin: tts-tone}\n"),
                  registry());
  app.start();
  const auto *ext = static_cast<const sb_providers_ext *>(app.extension(SB_EXT_PROVIDERS));
  ASSERT_NE(ext, nullptr);
  EXPECT_EQ(app.extension("switchboard.nothing/1"), nullptr);
  ASSERT_GE(ext->struct_size, sizeof(sb_providers_ext));

  auto v = view(*ext);
  EXPECT_EQ(v["providers"]["llm"]["current_provider"], "main");
  EXPECT_EQ(v["providers"]["llm"]["providers"][2]["enabled"], false);
  EXPECT_EQ(v["providers"]["llm"]["providers"][2]["stats"]["last_error"]["message"],
            "model file '/nonexistent/model.bin' is missing");
  EXPECT_EQ(v["summary"]["tts"]["current"], "tone");

  sb_error err = plugin::empty_error();
  ASSERT_EQ(ext->force_open(ext->ctx, "llm", "main", &err), SB_OK);
  v = view(*ext);
  EXPECT_EQ(v["providers"]["llm"]["providers"][0]["circuit"]["state"], "open");
  EXPECT_EQ(v["providers"]["llm"]["current_provider"], "spare");

  ASSERT_EQ(ext->reset(ext->ctx, "llm", nullptr, &err), SB_OK);
  EXPECT_EQ(view(*ext)["providers"]["llm"]["current_provider"], "main");

  EXPECT_EQ(ext->reset(ext->ctx, "llm", "nobody", &err), SB_INVALID_INPUT);
  EXPECT_STREQ(err.message, "no such provider");
  EXPECT_EQ(ext->force_open(ext->ctx, "asr", "main", &err), SB_INVALID_INPUT);
  app.stop();
  EXPECT_EQ(plugin::Instance::live(), 0) << "stop destroys every instance";
}

class Waited : public resilience::LlmListener {
 public:
  void on_token(std::string_view) override {}
  void on_done(const resilience::Outcome &) override { finished.set(); }
  bool wait() { return finished.wait(); }
  test::DoneSignal finished;
};

TEST(Application, CountsChainEventsAsMetrics) {
  Application app(config_of("llm:\n  - {name: down, plugin: llm-scripted, config: {fail_after_tokens: 0}}\n"
                            "  - {name: up, plugin: llm-scripted}\n"),
                  registry());
  app.start();
  {
    Waited w;
    resilience::LlmChainRequest request;
    request.messages = {{"user", "hi"}};
    auto call = app.chains()->llm()->start(request, w);
    ASSERT_TRUE(w.wait());
  }
  const auto counters = app.metrics().snapshot()["counters"];
  EXPECT_EQ(counters["llm_selected_total"], 2);
  EXPECT_EQ(counters["llm_failed_total"], 1);
  EXPECT_EQ(counters["llm_fallback_total"], 1);
  app.stop();
}

TEST(Application, AReloadKeepsUnchangedProvidersAndTheirBreakers) {
  Application app(config_of("llm:\n  - {name: main, plugin: llm-scripted}\n"), registry());
  app.start();
  auto before = app.chains();
  before->force_open("llm", "main");
  app.reload(config_of("llm:\n  - {name: main, plugin: llm-scripted}\n  - {name: extra, plugin: llm-scripted}\n"),
             registry());
  auto after = app.chains();
  EXPECT_NE(before, after);
  ASSERT_EQ(after->llm()->providers().size(), 2u);
  EXPECT_EQ(after->llm()->providers()[0], before->llm()->providers()[0]) << "the same provider, instance and breaker";
  EXPECT_EQ(after->llm()->current(), "extra");
  before.reset();
  after.reset();  // a caller holding chains past stop() would keep their instances
  app.stop();
  EXPECT_EQ(plugin::Instance::live(), 0);
}

TEST(Application, SessionsUseTheStoreTheConfigNamesAndAReloadAppliesTheNewRules) {
  const auto db = test::scratch_file("app-test", "sessions", ".db");
  const std::string chains =
      "llm: [{name: l, plugin: llm-scripted, config: {reply: \"Hi there.\"}}]\n"
      "tts: [{name: t, plugin: tts-tone}]\n";
  {
    Application app(config_of(chains + "sessions: {store: sqlite, path: " + db.string() + "}\n"), registry());
    app.start();
    auto rec = std::make_shared<test::Recorder>();
    auto session = app.conversations()->session("persisted");
    session->attach(rec);
    session->send_text("hello", false);
    ASSERT_TRUE(rec->wait_completes(1));

    app.reload(config_of(chains + "sessions: {store: sqlite, path: " + db.string() +
                         "}\nconversation: {during_turn: queue}\n"),
               registry());
    EXPECT_EQ(app.conversations()->context().settings()->conversation.during_turn, "queue");
    app.stop();
    EXPECT_EQ(app.conversations(), nullptr);
  }
  Application again(config_of(chains + "sessions: {store: sqlite, path: " + db.string() + "}\n"), registry());
  again.start();
  const auto view = again.conversations()->get("persisted");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->record.history.size(), 2u);
  again.stop();
  std::filesystem::remove(db);
}

}  // namespace
}  // namespace switchboard::app
