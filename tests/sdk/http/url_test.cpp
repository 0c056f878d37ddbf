// Provider URLs: joining, encoding, splitting.
#include "switchboard/http/url.hpp"

#include <gtest/gtest.h>

#include "switchboard/http/pcm_stream.hpp"

namespace switchboard::http {
namespace {

TEST(Url, JoinsWithExactlyOneSlash) {
  EXPECT_EQ(join_url("https://api.openai.com/v1/", "/chat/completions"), "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(join_url("http://127.0.0.1:11434/v1", "chat/completions"), "http://127.0.0.1:11434/v1/chat/completions");
}

TEST(Url, EncodesQueryValues) {
  EXPECT_EQ(query_string({{"output_format", "pcm_24000"}, {"q", "a b&c"}}), "?output_format=pcm_24000&q=a%20b%26c");
  EXPECT_EQ(query_string({}), "");
}

TEST(Url, SplitsIntoSchemeHostPortAndTarget) {
  UrlParts p;
  ASSERT_TRUE(split_url("wss://api.deepgram.com/v1/listen?model=nova-3", p));
  EXPECT_EQ(p.scheme, "wss");
  EXPECT_EQ(p.host, "api.deepgram.com");
  EXPECT_EQ(p.port, "443");
  EXPECT_EQ(p.target, "/v1/listen?model=nova-3");
  ASSERT_TRUE(split_url("http://[::1]:8080?x=1", p));
  EXPECT_EQ(p.host, "::1");
  EXPECT_EQ(p.port, "8080");
  EXPECT_EQ(p.target, "/?x=1");
  EXPECT_FALSE(split_url("ftp://host/x", p));
  EXPECT_FALSE(split_url("no-scheme", p));
}

TEST(Url, TheHostIsTheOneConnectedTo) {
  UrlParts p;
  // What a client would connect to, not what a reader might take for the host.
  ASSERT_TRUE(split_url("http://allowed.example@evil.example:81/x", p));
  EXPECT_EQ(p.host, "evil.example");
  EXPECT_EQ(p.port, "81");
  EXPECT_TRUE(p.userinfo);
  ASSERT_TRUE(split_url("http://evil.example#@allowed.example/x", p));
  EXPECT_EQ(p.host, "evil.example");
  EXPECT_EQ(p.target, "/");
  EXPECT_FALSE(p.userinfo);
  ASSERT_TRUE(split_url("https://h.example/a?b=1#frag", p));
  EXPECT_EQ(p.target, "/a?b=1");
}

TEST(PcmStream, SamplesCutBetweenTheirBytesAreJoined) {
  PcmStream pcm;
  std::vector<std::int16_t> got;
  auto take = [&](const std::int16_t *s, std::size_t n) { got.insert(got.end(), s, s + n); };
  const std::string bytes("\x01\x02\x03\x04\xff\x7f", 6);
  pcm.feed(bytes.substr(0, 3), take);
  EXPECT_TRUE(pcm.dangling());
  pcm.feed(bytes.substr(3), take);
  EXPECT_FALSE(pcm.dangling());
  EXPECT_EQ(got, (std::vector<std::int16_t>{0x0201, 0x0403, 0x7fff}));
}

}  // namespace
}  // namespace switchboard::http
