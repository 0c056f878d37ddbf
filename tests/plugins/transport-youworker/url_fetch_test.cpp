// What URL ingestion will not connect to, and the text it keeps of a file.
#include "url_fetch.hpp"

#include <gtest/gtest.h>

#include "text_extraction.hpp"

namespace youworker {
namespace {

TEST(UrlFetch, InternalAddressesAreKnownInEveryForm) {
  for (const char *ip : {"127.0.0.1", "127.1.2.3", "10.0.0.8", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fc00::1", "fd12::3",
                         "fe80::1", "::ffff:127.0.0.1", "::ffff:10.1.1.1", "not an address"}) {
    EXPECT_TRUE(internal_address(ip)) << ip;
  }
  for (const char *ip : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:1.1.1.1"}) {
    EXPECT_FALSE(internal_address(ip)) << ip;
  }
}

TEST(UrlFetch, TheHostIsTheOneThatWouldBeConnectedTo) {
  EXPECT_EQ(url_host("https://Example.COM:8443/a?b#c"), "example.com");
  EXPECT_EQ(url_host("http://[::1]:80/"), "::1");
  EXPECT_EQ(url_host("http://allowed.example@evil.example/"), "") << "credentials hide the host";
  EXPECT_EQ(url_host("http://evil.example#@allowed.example/"), "evil.example");
  EXPECT_EQ(url_host("ftp://example.com/"), "");
  EXPECT_EQ(url_host("example.com"), "");
}

TEST(UrlFetch, NothingIsFetchedUnlessEnabledAndAllowed) {
  UrlFetchSettings s;
  FetchRefusal why{0, {}};
  EXPECT_FALSE(fetch(s, "https://example.com/", why));
  EXPECT_EQ(why.status, 403);
  s.enabled = true;
  s.allowed_hosts = {".example.com"};
  EXPECT_FALSE(fetch(s, "https://example.org/", why));
  EXPECT_EQ(why.status, 403);
  EXPECT_NE(why.message.find("allowlist"), std::string::npos);
  EXPECT_FALSE(fetch(s, "https://notexample.com/", why)) << "a suffix rule matches whole labels";
  EXPECT_EQ(why.status, 403);
}

TEST(TextExtraction, KindsAndText) {
  EXPECT_EQ(kind_of("A.PDF", ""), "pdf");
  EXPECT_EQ(kind_of("notes.md", "application/octet-stream"), "markdown");
  EXPECT_EQ(kind_of("blob", "text/plain; charset=utf-8"), "text");
  EXPECT_EQ(kind_of("song.mp3", "audio/mpeg"), "");
  std::string error;
  EXPECT_EQ(extract("text", "\xEF\xBB\xBFhello", error)->pages, std::vector<std::string>{"hello"});
  EXPECT_FALSE(extract("text", "caf\xe9", error));
  EXPECT_FALSE(extract("text", "\xC0\xAF", error)) << "an overlong encoding";
  EXPECT_FALSE(extract("text", "a \xED\xA0\x80 b", error)) << "a surrogate, which no JSON answer can carry";
  EXPECT_TRUE(valid_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xF0\x9F\x98"));
  EXPECT_EQ(html_text("<p>a &amp; b</p><script>x()</script><style>p{}</style>c"), " a & b   c");
}

}  // namespace
}  // namespace youworker
