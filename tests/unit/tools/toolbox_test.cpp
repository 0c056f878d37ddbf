// The host's tools: what is offered, what each call returns, and that a
// call gone wrong is an error result for the model, never a throw.
#include "tools/toolbox.hpp"

#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "core/executor.hpp"
#include "switchboard/server/server.hpp"

namespace switchboard::tools {
namespace {

namespace server = switchboard::server;

struct ToolBoxTest : ::testing::Test {
  core::Executor executor{1};
  std::shared_ptr<documents::DocumentStore> docs =
      std::make_shared<documents::DocumentStore>("", documents::StoreLimits{});

  ToolBox box(config::ToolSettings settings = {}) { return ToolBox(std::move(settings), docs, executor); }
};

std::vector<std::string> names(const ToolBox &b) {
  std::vector<std::string> out;
  for (const auto &t : nlohmann::json::parse(b.definitions_json())) out.push_back(t["function"]["name"]);
  return out;
}

TEST_F(ToolBoxTest, OffersTheBuiltinsAndTheOperatorsHttpTools) {
  config::ToolSettings s;
  s.http.push_back({"weather", "The weather", "http://127.0.0.1:9/w", {{"type", "object"}}, 1000, ""});
  s.allowed_hosts = {"127.0.0.1"};
  EXPECT_EQ(names(box(s)), (std::vector<std::string>{"search_documents", "current_time", "weather"}));
  s.builtin = {"current_time"};
  s.http.clear();
  EXPECT_EQ(names(box(s)), (std::vector<std::string>{"current_time"}));
  s.builtin.clear();
  EXPECT_TRUE(box(s).empty());
  EXPECT_EQ(box(s).definitions_json(), "");
  // Without documents there is nothing to search.
  EXPECT_EQ(names(ToolBox({}, nullptr, executor)), (std::vector<std::string>{"current_time"}));
}

TEST_F(ToolBoxTest, SearchDocumentsReturnsTheIngestedPassage) {
  documents::Document d;
  d.title = "reactor notes";
  d.pages = {"The Zorbex reactor is cooled with heavy water every Tuesday."};
  docs->ingest(d);
  const auto r = box().call("search_documents", R"({"query":"zorbex cooling"})", {});
  ASSERT_TRUE(r.ok) << r.error;
  const auto passages = nlohmann::json::parse(r.content)["passages"];
  ASSERT_EQ(passages.size(), 1U);
  EXPECT_EQ(passages[0]["source"], "reactor notes");
  EXPECT_NE(passages[0]["text"].get<std::string>().find("heavy water"), std::string::npos);
  // Limited to the turn's collections.
  EXPECT_TRUE(
      nlohmann::json::parse(box().call("search_documents", R"({"query":"zorbex"})", {"other"}).content)["passages"]
          .empty());
}

TEST_F(ToolBoxTest, CurrentTimeIsNow) {
  const auto r = box().call("current_time", "", {});
  ASSERT_TRUE(r.ok);
  const auto unix = nlohmann::json::parse(r.content)["unix"].get<long long>();
  EXPECT_NEAR(static_cast<double>(unix), static_cast<double>(std::time(nullptr)), 5);
}

TEST_F(ToolBoxTest, WhatGoesWrongIsAnErrorResult) {
  auto b = box();
  for (const auto &[name, args] : std::vector<std::pair<std::string, std::string>>{{"search_documents", "{not json"},
                                                                                   {"search_documents", "[1]"},
                                                                                   {"search_documents", "{}"},
                                                                                   {"no_such_tool", "{}"}}) {
    const auto r = b.call(name, args, {});
    EXPECT_FALSE(r.ok) << name << " " << args;
    EXPECT_FALSE(r.error.empty());
    EXPECT_EQ(nlohmann::json::parse(r.content)["error"], r.error) << "the model reads why";
  }
  config::ToolSettings s;
  s.builtin.clear();
  s.allowed_hosts = {"127.0.0.1"};
  s.http.push_back({"closed", "", "http://127.0.0.1:1/nothing", {}, 2000, ""});
  const auto r = box(s).call("closed", "{}", {});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("could not be reached"), std::string::npos) << r.error;
}

TEST_F(ToolBoxTest, AnHttpToolGetsTheArgumentsAsAJsonPostAndItsAnswerIsTheResult) {
  std::mutex mutex;
  server::Request seen;
  server::Server tool({[&](const server::Request &r) {
                         std::lock_guard lock(mutex);
                         seen = r;
                         if (r.path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(600));
                         if (r.path == "/text") return server::Response{200, "text/plain", "sunny"};
                         if (r.path == "/down") return server::Response{503, "application/json", "{}"};
                         return server::Response{200, "application/json", R"({"forecast":"rain","city":"Brest"})"};
                       },
                       nullptr, nullptr},
                      server::Limits{});
  const auto bound = tool.start("127.0.0.1:0");
  const std::string base = "http://" + bound;
  config::ToolSettings s;
  s.builtin.clear();
  s.allowed_hosts = {"127.0.0.1"};
  for (const char *path : {"weather", "text", "down", "slow"}) {
    s.http.push_back({path, "", base + "/" + path, {}, 300, ""});
  }
  auto b = box(s);
  auto r = b.call("weather", R"({"city":"Brest"})", {});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(nlohmann::json::parse(r.content), (nlohmann::json{{"forecast", "rain"}, {"city", "Brest"}}));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.header("content-type"), "application/json");
    EXPECT_EQ(nlohmann::json::parse(seen.body), (nlohmann::json{{"city", "Brest"}}));
  }
  r = b.call("text", "{}", {});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(nlohmann::json::parse(r.content), (nlohmann::json{{"result", "sunny"}}));
  r = b.call("down", "{}", {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "the tool answered HTTP 503");
  r = b.call("slow", "{}", {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "the tool gave no answer within 300 ms");
  tool.stop();
}

TEST_F(ToolBoxTest, RunReportsFromAWorker) {
  std::promise<ToolResult> got;
  const auto shared = std::make_shared<ToolBox>(config::ToolSettings{}, docs, executor);
  shared->run("current_time", "{}", {}, [&](ToolResult r) { got.set_value(std::move(r)); });
  auto f = got.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_TRUE(f.get().ok);
}

}  // namespace
}  // namespace switchboard::tools
