// The gateway's own decisions, on requests made by hand: the Host a
// listener answers, the Origins it trusts, the cross-site requests it
// refuses, and every spelling of an admin route held to the admin role.
#include "switchboard/server/gateway.hpp"

#include <gtest/gtest.h>

namespace switchboard::server {
namespace {

const std::string kAdminKey = "admin-key-0123456789abcdef0123456789";
const std::string kUserKey = "user-key-0123456789abcdef0123456789ab";

Response error_body(int status, const std::string &message) {
  return {status, "application/json", "{\"detail\":\"" + message + "\"}", {}};
}

struct Fixture {
  int cleared = 0;
  std::unique_ptr<Gateway> gateway;
  Server::Hooks hooks;

  explicit Fixture(bool auth, std::vector<std::string> allowed_hosts = {}) {
    Router r;
    r.add("GET", "/health", Access::open, [](const Call &) { return Response{200}; });
    r.add("DELETE", "/cache/clear", Access::admin,
          [this](const Call &) {
            ++cleared;
            return Response{200};
          },
          {.changes_state = true});
    r.add("POST", "/admin/reload", Access::admin,
          [this](const Call &) {
            ++cleared;
            return Response{200};
          },
          {.changes_state = true, .may_block = true});
    GatewaySettings s;
    s.auth_mode = auth ? "on" : "off";
    s.auth.keys = {{"ops", kAdminKey, Role::admin}, {"app", kUserKey, Role::user}};
    s.allowed_hosts = std::move(allowed_hosts);
    s.requests_per_minute = 0;
    gateway = std::make_unique<Gateway>("test", std::move(r), s, error_body, nullptr);
    gateway->prepare("127.0.0.1:8000");
    hooks = gateway->hooks();
  }

  Response call(const std::string &method, const std::string &target, std::map<std::string, std::string> headers = {}) {
    Request r;
    r.method = method;
    r.target = target;
    r.remote = "127.0.0.1";
    r.headers = std::move(headers);
    // What the server parses from the target's query.
    if (const auto q = target.find('?'); q != std::string::npos) {
      const auto pair = target.substr(q + 1);
      r.query[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
    }
    if (!r.headers.count("host")) r.headers["host"] = "127.0.0.1:8000";
    Response out = hooks.handle(r);
    if (out.later) out = out.later();
    return out;
  }
};

TEST(Gateway, EverySpellingOfAnAdminRouteNeedsTheAdminRole) {
  Fixture f(true);
  for (const char *target : {"/cache/clear", "/cache/clear/", "//cache/clear", "/cache//clear", "/./cache/clear",
                             "/x/../cache/clear", "/%63ache/clear", "/cache/clear?x=1"}) {
    EXPECT_EQ(f.call("DELETE", target, {{"x-api-key", kUserKey}}).status, 403) << target;
  }
  EXPECT_EQ(f.call("POST", "/admin/reload/", {{"x-api-key", kUserKey}}).status, 403);
  EXPECT_EQ(f.cleared, 0) << "no spelling reached the handler";
  EXPECT_EQ(f.call("DELETE", "//cache/clear/", {{"x-api-key", kAdminKey}}).status, 200);
  EXPECT_EQ(f.cleared, 1);
  EXPECT_EQ(f.call("DELETE", "/cache%2Fclear", {{"x-api-key", kAdminKey}}).status, 400);
  EXPECT_EQ(f.call("DELETE", "/cache/clear", {}).status, 401);
  EXPECT_EQ(f.call("GET", "/cache/clear", {{"x-api-key", kAdminKey}}).status, 405);
  EXPECT_EQ(f.call("GET", "/nowhere", {}).status, 404) << "404 before auth: nothing to protect";
}

TEST(Gateway, KeysInTheUrlAreRefusedOnRest) {
  Fixture f(true);
  EXPECT_EQ(f.call("DELETE", "/cache/clear?api_key=" + kAdminKey).status, 400);
  EXPECT_EQ(f.cleared, 0);
}

TEST(Gateway, OnLoopbackOnlyLoopbackHostNamesAreServed) {
  Fixture f(false);
  EXPECT_EQ(f.call("GET", "/health", {{"host", "localhost:8000"}}).status, 200);
  EXPECT_EQ(f.call("GET", "/health", {{"host", "[::1]:8000"}}).status, 200);
  // DNS rebinding: a page at evil.example whose name now resolves to 127.0.0.1.
  EXPECT_EQ(f.call("GET", "/health", {{"host", "evil.example:8000"}}).status, 421);
  EXPECT_EQ(f.call("GET", "/health", {{"host", ""}}).status, 421);
  Fixture named(false, {"assistant.example.com"});
  EXPECT_EQ(named.call("GET", "/health", {{"host", "assistant.example.com"}}).status, 200);
}

TEST(Gateway, StateChangingRoutesRefuseForeignOriginsAndSimpleRequestsEvenWithAuthOff) {
  Fixture f(false);
  EXPECT_EQ(f.call("DELETE", "/cache/clear", {{"origin", "https://evil.example"}}).status, 403);
  EXPECT_EQ(f.call("POST", "/admin/reload", {{"origin", "https://evil.example"}, {"content-type", "application/json"}})
                .status,
            403);
  // A form post from a browser that sends no Origin.
  EXPECT_EQ(f.call("POST", "/admin/reload", {{"content-type", "application/x-www-form-urlencoded"}}).status, 403);
  EXPECT_EQ(
      f.call("POST", "/admin/reload", {{"sec-fetch-site", "cross-site"}, {"content-type", "application/json"}}).status,
      403);
  EXPECT_EQ(f.cleared, 0);
  EXPECT_EQ(f.call("POST", "/admin/reload", {{"content-type", "application/json"}}).status, 200);
  EXPECT_EQ(f.call("POST", "/admin/reload", {{"x-requested-with", "curl"}}).status, 200);
  EXPECT_EQ(f.call("DELETE", "/cache/clear", {{"origin", "http://localhost:3000"}}).status, 200);
  EXPECT_EQ(f.call("DELETE", "/cache/clear", {{"origin", "http://127.0.0.1:8000"}}).status, 200) << "same origin";
  EXPECT_EQ(f.cleared, 4);
}

TEST(Gateway, AHandlerThatThrowsGetsA500ThatSaysNothingOfIt) {
  Router r;
  r.add("GET", "/boom", Access::open, [](const Call &) -> Response { throw std::runtime_error("secret detail"); });
  GatewaySettings s;
  s.auth_mode = "off";
  Gateway g("test", std::move(r), s, error_body, nullptr);
  g.prepare("127.0.0.1:1");
  Request req;
  req.method = "GET";
  req.target = "/boom";
  req.headers["host"] = "localhost";
  const auto out = g.hooks().handle(req);
  EXPECT_EQ(out.status, 500);
  EXPECT_EQ(out.body.find("secret"), std::string::npos);
}

TEST(SessionQuota, CapsEachSubjectAndTheWhole) {
  SessionQuota q(3, 2);
  EXPECT_EQ(q.take("a"), 0);
  EXPECT_EQ(q.take("a"), 0);
  EXPECT_EQ(q.take("a"), 429);
  EXPECT_EQ(q.take("b"), 0);
  EXPECT_EQ(q.take("c"), 503);
  q.give("a");
  EXPECT_EQ(q.take("c"), 0);
  q.give("b");
  EXPECT_EQ(q.take(""), 0) << "no subject: the total only";
}

TEST(SessionQuota, CapsEachAddressWhateverItsSubject) {
  SessionQuota q(0, 0, 2);
  EXPECT_EQ(q.take("", "10.0.0.1"), 0);
  EXPECT_EQ(q.take("a", "10.0.0.1"), 0);
  EXPECT_EQ(q.take("b", "10.0.0.1"), 429) << "a third from one address";
  EXPECT_EQ(q.take("", "10.0.0.2"), 0) << "another address has its own count";
  q.give("a", "10.0.0.1");
  EXPECT_EQ(q.take("", "10.0.0.1"), 0) << "a session given back makes room";
  EXPECT_EQ(q.take("", "10.0.0.1"), 429);
}

}  // namespace
}  // namespace switchboard::server
