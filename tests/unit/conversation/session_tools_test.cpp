// A session's turns with tools and documents: the model's call runs, the
// client sees it start and end, the model answers from the result; a
// client's options are its own; the documents reach the model.
#include <gtest/gtest.h>

#include "conversation/session.hpp"
#include "support/conversation_harness.hpp"

namespace switchboard::conversation {
namespace {

using test::ConversationHarness;
using test::Recorder;

std::string chains(const std::string &llm_extra) {
  return "llm:\n"
         "  - {name: scripted, plugin: llm-scripted, config: {reply: \"Plain answer.\"" +
         llm_extra +
         "}}\n"
         "  - {name: other, plugin: llm-scripted, config: {reply: \"The other one.\"}}\n"
         "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 1}}\n";
}

const std::string kSearch = R"(, tool_call: {name: search_documents, arguments: '{"query":"zorbex reactor"}'})";

TEST(SessionTools, TheModelsCallRunsAndItAnswersFromTheResult) {
  ConversationHarness h(chains(kSearch));
  documents::Document d;
  d.title = "notes";
  d.pages = {"The Zorbex reactor is cooled with heavy water."};
  h.documents->ingest(d);
  auto session = h.conversations->session("t1");
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  std::string error;
  ASSERT_TRUE(session->configure({{"tools", true}}, error)) << error;
  session->send_text("how is the reactor cooled", false);
  ASSERT_TRUE(rec->wait_completes(1));
  rec->read([&] {
    ASSERT_EQ(rec->tools.size(), 2U);
    EXPECT_EQ(rec->tools[0].status, "start");
    EXPECT_EQ(rec->tools[0].tool, "search_documents");
    EXPECT_EQ(rec->tools[0].arguments, R"({"query":"zorbex reactor"})");
    EXPECT_EQ(rec->tools[1].status, "end");
    EXPECT_EQ(rec->tools[1].call_id, rec->tools[0].call_id);
    EXPECT_NE(rec->tools[1].result_preview.find("heavy water"), std::string::npos);
    const auto &c = rec->completes.front();
    EXPECT_EQ(c.assistant_text.rfind("From the tool:", 0), 0U) << c.assistant_text;
    EXPECT_NE(c.assistant_text.find("heavy water"), std::string::npos) << c.assistant_text;
    EXPECT_FALSE(c.tokens_estimated) << "the scripted model counts its tokens";
    EXPECT_GT(c.completion_tokens, 0U);
  });
  // The history holds the question and the answer, not the tool exchange.
  const auto record = h.conversations->get("t1");
  ASSERT_TRUE(record);
  ASSERT_EQ(record->record.history.size(), 2U);
}

TEST(SessionTools, OptionsAreTheAttachedClientsAndAnUnknownProviderIsRefused) {
  ConversationHarness h(chains(kSearch));
  auto session = h.conversations->session("t2");
  auto first = std::make_shared<Recorder>();
  session->attach(first);
  std::string error;
  EXPECT_FALSE(session->configure({{"llm_provider", "nobody"}}, error));
  EXPECT_NE(error.find("scripted, other"), std::string::npos) << error;
  EXPECT_FALSE(session->configure({{"tools", "yes"}}, error));
  ASSERT_TRUE(session->configure({{"tools", true}, {"llm_provider", "other"}}, error)) << error;
  session->send_text("hello", false);
  ASSERT_TRUE(first->wait_completes(1));
  first->read([&] { EXPECT_EQ(first->completes.front().llm_provider, "other"); });
  // The next client starts from the defaults: the chain's order, no tools.
  auto second = std::make_shared<Recorder>();
  session->attach(second);
  session->send_text("hello again", false);
  ASSERT_TRUE(second->wait_completes(1));
  second->read([&] {
    EXPECT_TRUE(second->tools.empty());
    EXPECT_EQ(second->completes.front().llm_provider, "scripted");
    EXPECT_EQ(second->completes.front().assistant_text, "Plain answer.");
  });
}

TEST(SessionTools, DocumentsReachTheModelWhenAsked) {
  ConversationHarness h("llm:\n  - {name: kb, plugin: llm-kb, config: {knowledge: \"" SWITCHBOARD_SOURCE_DIR
                        "/config/knowledge/parenting.yaml\", fallback: \"No idea.\"}}\n"
                        "tts:\n  - {name: tone, plugin: tts-tone, config: {ms_per_char: 1}}\n");
  documents::Document d;
  d.collection = "plant";
  d.pages = {"The Zorbex reactor is cooled with heavy water."};
  h.documents->ingest(d);
  auto session = h.conversations->session("t3");
  auto rec = std::make_shared<Recorder>();
  session->attach(rec);
  session->send_text("how is the zorbex reactor cooled", false);
  ASSERT_TRUE(rec->wait_completes(1));
  std::string error;
  ASSERT_TRUE(session->configure({{"documents", true}, {"collections", {"elsewhere"}}}, error));
  session->send_text("how is the zorbex reactor cooled", false);
  ASSERT_TRUE(rec->wait_completes(2));
  ASSERT_TRUE(session->configure({{"collections", {"plant"}}}, error));
  session->send_text("how is the zorbex reactor cooled", false);
  ASSERT_TRUE(rec->wait_completes(3));
  rec->read([&] {
    EXPECT_EQ(rec->completes[0].assistant_text, "No idea.") << "not asked for documents";
    EXPECT_EQ(rec->completes[1].assistant_text, "No idea.") << "another collection";
    EXPECT_EQ(rec->completes[2].assistant_text, "The Zorbex reactor is cooled with heavy water.");
  });
}

}  // namespace
}  // namespace switchboard::conversation
