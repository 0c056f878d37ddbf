// Every spelling of a path comes to one canonical list of segments.
#include "switchboard/server/path.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

std::string canonical(std::string_view raw) {
  std::string why;
  const auto s = normalize_path(raw, why);
  return s ? join_path(*s) : "refused: " + why;
}

TEST(NormalizePath, EmptySegmentsDotsTrailingSlashesAndEscapesComeToOnePath) {
  for (const char *spelling :
       {"/cache/clear", "/cache/clear/", "//cache/clear", "/cache//clear", "/./cache/clear", "/cache/./clear/",
        "/x/../cache/clear", "/%63ache/clear", "/cache/%63%6C%65%61%72", "/cache/clear/."}) {
    EXPECT_EQ(canonical(spelling), "/cache/clear") << spelling;
  }
  EXPECT_EQ(canonical("/"), "/");
  EXPECT_EQ(canonical("//"), "/");
  EXPECT_EQ(canonical("/a/b/../../"), "/");
}

TEST(NormalizePath, WhatCouldNotBeARouteIsRefusedWithTheReason) {
  EXPECT_EQ(canonical("/.."), "refused: the path climbs above the root");
  EXPECT_EQ(canonical("/a/../../b"), "refused: the path climbs above the root");
  EXPECT_EQ(canonical("/cache%2Fclear"), "refused: an encoded '/' in the path");
  EXPECT_EQ(canonical("/a%00"), "refused: an encoded NUL in the path");
  EXPECT_EQ(canonical("/voice/%FF"), "refused: the path is not valid UTF-8");
  EXPECT_EQ(canonical("/a%2"), "refused: malformed percent escape in the path");
  EXPECT_EQ(canonical("/a%zz"), "refused: malformed percent escape in the path");
  EXPECT_EQ(canonical("cache"), "refused: the path must start with '/'");
  // ".." spelled with escapes is still "..".
  EXPECT_EQ(canonical("/a/%2e%2e/%2E%2E"), "refused: the path climbs above the root");
}

TEST(ValidUtf8, RefusesOverlongsSurrogatesAndTruncations) {
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("caf\xc3\xa9 \xe4\xbd\xa0 \xf0\x9f\x98\x80"));
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(valid_utf8("\xe4\xbd"));          // cut short
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace switchboard::server
