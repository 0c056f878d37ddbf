// The Poppins API's Server-Sent Event streams, read as an SSE client reads
// them, chunk by chunk as they arrive.
#include "conformance/poppins/poppins_fixture.hpp"

namespace switchboard::test {
namespace {

using namespace std::chrono_literals;

constexpr const char *kAnswer = "Creating a good bedtime routine helps a lot. Keep it calm and short.";

TEST(PoppinsStream, TextChunksComeAsTheyAreWrittenThenDone) {
  // One word every 40 ms: about half a second from the first to the last.
  PoppinsServer server(streaming_providers(40, kAnswer));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = sse_request(
      server.port(), "POST", "/chat/text/stream",
      nlohmann::json{{"message", "How can I help my toddler sleep better?"}, {"session_id", "user123"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "text/event-stream");
  EXPECT_EQ(r.headers.at("cache-control"), "no-cache");
  ASSERT_GE(r.events.size(), 3U);
  std::string text;
  for (std::size_t i = 0; i + 1 < r.events.size(); ++i) {
    const auto e = r.events[i].json();
    ASSERT_TRUE(e.is_object()) << r.events[i].data;
    EXPECT_EQ(e["done"], false);
    EXPECT_EQ(e["chunk_number"], i + 1);
    EXPECT_EQ(e["session_id"], "user123");
    text += e["chunk"].get<std::string>();
  }
  const auto last = r.events.back().json();
  EXPECT_EQ(last["done"], true);
  EXPECT_EQ(last["chunk"], "");
  EXPECT_EQ(last["total_chunks"], r.events.size() - 1);
  EXPECT_EQ(text, kAnswer);
  // Delivered as produced: the first chunk arrived well before the last
  // (buffered until the end, they would arrive together).
  EXPECT_GT(r.events.back().at - r.events.front().at, 250ms);
}

TEST(PoppinsStream, AnEventSourceCanAskWithGetAndQueryParameters) {
  PoppinsServer server(streaming_providers(0, kAnswer));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = sse_request(server.port(), "GET", "/chat/text/stream?message=Hello%20there&session_id=es1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_FALSE(r.events.empty());
  EXPECT_EQ(r.events.back().json()["done"], true);
  EXPECT_EQ(r.events.front().json()["session_id"], "es1");
  EXPECT_EQ(http_request(server.port(), "GET", "/session/es1/stats").json()["conversation_pairs"], 1);
}

TEST(PoppinsStream, MultimodalStreamsTextThenSpokenSentencesThenComplete) {
  PoppinsServer server(streaming_providers(10, kAnswer));
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r =
      sse_request(server.port(), "POST", "/chat/multimodal/stream",
                  nlohmann::json{{"message", "What are some calming techniques?"}, {"session_id", "mm"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_GE(r.events.size(), 4U);
  std::size_t texts = 0, audios = 0;
  std::string text;
  for (std::size_t i = 0; i + 1 < r.events.size(); ++i) {
    const auto e = r.events[i].json();
    EXPECT_EQ(e["chunk_number"], i + 1);
    EXPECT_EQ(e["done"], false);
    EXPECT_EQ(e["session_id"], "mm");
    if (e["type"] == "text") {
      ++texts;
      text += e["chunk"].get<std::string>();
    } else {
      ASSERT_EQ(e["type"], "audio");
      ++audios;
      const auto f = wav_format_b64(e["chunk"]);
      EXPECT_EQ(f.rate, 24000U);
      EXPECT_EQ(f.channels, 1);
      EXPECT_GT(f.data_bytes, 0U);
    }
  }
  EXPECT_EQ(text, kAnswer);
  EXPECT_GE(audios, 2U) << "both sentences are spoken";
  const auto last = r.events.back().json();
  EXPECT_EQ(last["type"], "complete");
  EXPECT_EQ(last["done"], true);
  EXPECT_EQ(last["total_chunks"], texts + audios);
}

TEST(PoppinsStream, AFailingTurnEndsTheStreamWithAnError) {
  PoppinsServer server(
      "llm:\n  - {name: broken, plugin: llm-scripted, config: {reply: \"one two three four\", fail_after_tokens: 2, "
      "fail_status: fatal}}\n");
  ASSERT_TRUE(server.ready()) << server.process().err();
  const auto r = sse_request(server.port(), "POST", "/chat/text/stream", nlohmann::json{{"message", "hi"}}.dump());
  ASSERT_EQ(r.status, 200);
  ASSERT_FALSE(r.events.empty());
  const auto last = r.events.back().json();
  EXPECT_EQ(last["done"], true);
  EXPECT_TRUE(last["error"].is_string());
}

}  // namespace
}  // namespace switchboard::test
