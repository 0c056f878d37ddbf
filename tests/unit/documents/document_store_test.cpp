// The documents index: what is ingested is found by its words, per
// collection, and a refused document leaves nothing behind.
#include "documents/document_store.hpp"

#include <gtest/gtest.h>

#include "documents/chunker.hpp"
#include "support/scratch.hpp"

namespace switchboard::documents {
namespace {

Document doc(std::string collection, std::vector<std::string> pages, std::string title = "notes") {
  Document d;
  d.collection = std::move(collection);
  d.title = std::move(title);
  d.filename = d.title + ".txt";
  d.pages = std::move(pages);
  return d;
}

TEST(Chunker, CutsAtSentencesNearTheSizeAndNeverLosesAWord) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "Sentence number " + std::to_string(i) + " has six words. ";
  const auto chunks = chunk_text(text, 20);
  ASSERT_GT(chunks.size(), 5U);
  std::string joined;
  for (const auto &c : chunks) {
    EXPECT_EQ(c.back(), '.') << "a chunk ends at a sentence's end: " << c;
    joined += (joined.empty() ? "" : " ") + c;
  }
  EXPECT_EQ(joined + " ", text);
  EXPECT_TRUE(chunk_text("   \n\t ", 20).empty());
  // One long sentence is cut at the limit.
  EXPECT_EQ(chunk_text(std::string(50, 'a').append(" b c d e f g h i j k l m n o p q r s t u v w x y z"), 10).size(),
            3U);
}

TEST(Chunker, TheQueryQuotesEveryWordAndDropsCommonOnes) {
  EXPECT_EQ(match_query("What is the Zorbex reactor?"), "\"zorbex\" OR \"reactor\"");
  EXPECT_EQ(match_query("\" OR * NEAR( -x"), "\"near\" OR \"x\"");  // nothing of FTS5's syntax survives
  EXPECT_EQ(match_query("the and of"), "");
}

TEST(DocumentStore, FindsWhatWasIngestedByItsWordsBestFirst) {
  DocumentStore store("", {20, 1 << 20});
  const auto a = store.ingest(doc("documents", {"The Zorbex reactor is cooled with heavy water every Tuesday.",
                                                "Page two talks about the canteen menu and nothing else."}));
  EXPECT_EQ(a.pages, 2);
  EXPECT_EQ(a.chunks, 2);
  EXPECT_EQ(a.id.rfind("doc_", 0), 0U);
  store.ingest(doc("documents", {"A reactor of another kind: the sourdough starter, fed daily."}, "baking"));
  const auto found = store.search("How is the Zorbex reactor cooled?", {}, 3);
  ASSERT_EQ(found.size(), 2U);
  EXPECT_NE(found[0].text.find("heavy water"), std::string::npos);
  EXPECT_EQ(found[0].document_id, a.id);
  EXPECT_EQ(found[0].source, "notes");
  EXPECT_GT(found[0].score, found[1].score);
  EXPECT_TRUE(store.search("submarine", {}, 3).empty());
}

TEST(DocumentStore, SearchesOnlyTheCollectionsAsked) {
  DocumentStore store("", {});
  store.ingest(doc("manuals", {"The pump primes in thirty seconds."}));
  store.ingest(doc("recipes", {"The pump of the espresso machine primes slowly."}));
  EXPECT_EQ(store.search("pump primes", {"manuals"}, 5).size(), 1U);
  EXPECT_EQ(store.search("pump primes", {"recipes", "manuals"}, 5).size(), 2U);
  EXPECT_TRUE(store.search("pump primes", {"none"}, 5).empty());
  const auto stats = store.stats();
  EXPECT_EQ(stats["total_documents"], 2);
  EXPECT_EQ(stats["by_collection"], (nlohmann::json{{"manuals", 1}, {"recipes", 1}}));
  EXPECT_EQ(stats["by_type"], (nlohmann::json{{"text", 2}}));
}

TEST(DocumentStore, ARefusedDocumentLeavesNothing) {
  DocumentStore store("", {20, 64});
  EXPECT_THROW(store.ingest(doc("documents", {std::string(40, 'x') + " over", std::string(40, 'y')})), Refused);
  EXPECT_THROW(store.ingest(doc("documents", {"  ", "\n"})), Refused);
  EXPECT_EQ(store.stats()["total_documents"], 0);
  EXPECT_EQ(store.stats()["total_chunks"], 0);
  EXPECT_TRUE(store.search("over", {}, 5).empty());
}

TEST(DocumentStore, AFileKeepsDocumentsAcrossOpenings) {
  const auto path = test::scratch_file("documents", "kept", ".db").string();
  {
    DocumentStore store(path, {});
    store.ingest(doc("documents", {"Lighthouses blink in patterns of their own."}));
  }
  DocumentStore again(path, {});
  EXPECT_EQ(again.search("lighthouses blink", {}, 1).size(), 1U);
}

}  // namespace
}  // namespace switchboard::documents
