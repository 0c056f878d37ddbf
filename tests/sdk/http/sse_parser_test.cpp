// The SSE parser: events cut anywhere, every line ending, comments.
#include "switchboard/http/sse_parser.hpp"

#include <gtest/gtest.h>

namespace switchboard::http {
namespace {

std::vector<SseEvent> parse(const std::vector<std::string> &pieces) {
  std::vector<SseEvent> events;
  SseParser parser([&](const SseEvent &e) { events.push_back(e); });
  for (const auto &p : pieces) EXPECT_TRUE(parser.feed(p));
  return events;
}

TEST(SseParser, EventsCutAtAnyByteComeOutWhole) {
  const std::string stream = "data: {\"a\":1}\n\n: keep-alive\n\nevent: done\ndata: [DONE]\n\n";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const auto events = parse({stream.substr(0, cut), stream.substr(cut)});
    ASSERT_EQ(events.size(), 2U) << "cut at " << cut;
    EXPECT_EQ(events[0].data, "{\"a\":1}");
    EXPECT_EQ(events[0].event, "message");
    EXPECT_EQ(events[1].event, "done");
    EXPECT_EQ(events[1].data, "[DONE]");
  }
}

TEST(SseParser, DataLinesJoinAndEveryLineEndingCounts) {
  const auto events = parse({"data: one\r\ndata:two\rdata:  three\n\r\n", "id: 7\ndata: x\n\n"});
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].data, "one\ntwo\n three");
  EXPECT_EQ(events[1].id, "7");
}

TEST(SseParser, AnUnfinishedEventIsIncompleteAndAnEndlessLineIsRefused) {
  SseParser parser([](const SseEvent &) {}, 16);
  EXPECT_TRUE(parser.feed("data: partial"));
  EXPECT_TRUE(parser.incomplete());
  EXPECT_FALSE(parser.feed(std::string(32, 'x')));
}

}  // namespace
}  // namespace switchboard::http
