// One table decides: literal segments beat parameters, unknown paths are
// 404 and known paths with another method 405, before any handler runs.
#include "switchboard/server/router.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

Router table() {
  Router r;
  const Handler none = [](const Call &) { return Response{}; };
  r.add("GET", "/sessions", Access::user, none);
  r.add("GET", "/sessions/{id}", Access::user, none);
  r.add("DELETE", "/sessions/{id}", Access::user, none);
  r.add("DELETE", "/sessions/cleanup", Access::admin, none);
  r.add("POST", "/providers/{kind}/reset", Access::admin, none);
  r.add("POST", "/providers/{kind}/{name}/reset", Access::admin, none);
  r.add_upgrade("/voice/{id}", Access::user, [](const Call &, SocketHandlers &, OnOpen &) { return Response{101}; });
  return r;
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  const Router r = table();
  const auto cleanup = r.match("DELETE", {"sessions", "cleanup"}, false);
  ASSERT_NE(cleanup.route, nullptr);
  EXPECT_EQ(cleanup.route->access, Access::admin);
  const auto one = r.match("DELETE", {"sessions", "abc"}, false);
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.route->access, Access::user);
  ASSERT_EQ(one.params.size(), 1U);
  EXPECT_EQ(one.params[0].second, "abc");
  // "reset" as a provider name is still the whole-kind route's shape only
  // when there are three segments.
  const auto named = r.match("POST", {"providers", "llm", "reset", "reset"}, false);
  ASSERT_NE(named.route, nullptr);
  EXPECT_EQ(named.params.size(), 2U);
}

TEST(Router, UnknownPathsAre404AndOtherMethods405WithAllow) {
  const Router r = table();
  EXPECT_EQ(r.match("GET", {"nowhere"}, false).status, 404);
  EXPECT_EQ(r.match("GET", {"sessions", "a", "b"}, false).status, 404);
  const auto wrong = r.match("PUT", {"sessions", "abc"}, false);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "GET, DELETE");
  // GET /sessions/cleanup is not a session called "cleanup".
  EXPECT_EQ(r.match("GET", {"sessions", "cleanup"}, false).status, 405);
}

TEST(Router, UpgradesAndRequestsAreSeparateTables) {
  const Router r = table();
  EXPECT_NE(r.match("GET", {"voice", "s1"}, true).route, nullptr);
  EXPECT_EQ(r.match("GET", {"voice", "s1"}, false).status, 404);
  EXPECT_EQ(r.match("GET", {"sessions"}, true).status, 404);
  EXPECT_TRUE(r.match("GET", {"voice", "s1"}, true).route->options.url_credentials);
}

TEST(Router, ARouteDeclaredTwiceIsAnError) {
  Router r = table();
  EXPECT_THROW(r.add("GET", "/sessions/{other}", Access::open, [](const Call &) { return Response{}; }),
               std::logic_error);
}

}  // namespace
}  // namespace switchboard::server
